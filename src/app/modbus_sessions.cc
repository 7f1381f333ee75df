#include "app/modbus_sessions.h"

#include <variant>

#include "app/modbus_traffic.h"
#include "app/serial_session.h"
#include "transport/monotonic_clock.h"

namespace pro380::app {
namespace {

using transport::FrameDirection;

std::string_view DropReason(modbus::RtuFrameError error) {
  switch (error) {
    case modbus::RtuFrameError::kCrc:
      return "dropped: CRC";
    case modbus::RtuFrameError::kTooShort:
      return "dropped: too short";
    case modbus::RtuFrameError::kTooLong:
      return "dropped: too long";
    case modbus::RtuFrameError::kGap:
      return "dropped: gap inside the frame";
  }
  return "dropped";
}

// Reports an RTU frame (or a dropped one) and the reply to the bus's tap. The frames are
// re-encoded from what the framer delivered: the same bytes as on the wire for a good frame.
void TapRtuRequest(const ModbusBus& bus, std::string_view peer, const modbus::RtuEvent& event) {
  if (!bus.tapped()) return;
  if (const auto* frame = std::get_if<modbus::RtuFrame>(&event)) {
    bus.Tap(FrameDirection::kReceived, peer, modbus::EncodeRtu(frame->address, frame->pdu),
            DescribeRtuFrame);
  } else {
    bus.Tap(FrameDirection::kReceived, peer, {}, nullptr,
            DropReason(std::get<modbus::RtuFrameError>(event)));
  }
}

}  // namespace

void TcpModbusSession::OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
  framer_.Feed(bytes);
  while (std::optional<modbus::MbapFrame> frame = framer_.Next()) {
    if (bus_.tapped()) {
      bus_.Tap(FrameDirection::kReceived, connection_.peer(),
               modbus::EncodeMbap(frame->transaction_id, frame->unit_id, frame->pdu),
               DescribeMbapFrame);
    }
    std::optional<modbus::Pdu> reply =
        bus_.Handle(frame->unit_id, frame->pdu, connection_.peer(), at, nullptr);
    if (reply) {
      std::vector<uint8_t> frame_bytes =
          modbus::EncodeMbap(frame->transaction_id, frame->unit_id, *reply);
      bus_.Tap(FrameDirection::kSent, connection_.peer(), frame_bytes, DescribeMbapFrame);
      connection_.Send(frame_bytes);
    }
  }
  if (framer_.failed()) connection_.Close();
}

void RtuOverTcpSession::OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
  framer_.Feed(bytes);
  while (std::optional<modbus::RtuEvent> event = framer_.Next()) {
    const auto* frame = std::get_if<modbus::RtuFrame>(&*event);
    bus_.CountBusFrame(frame != nullptr, nullptr);
    TapRtuRequest(bus_, connection_.peer(), *event);
    if (!frame) continue;
    std::optional<modbus::Pdu> reply =
        bus_.Handle(frame->address, frame->pdu, connection_.peer(), at, nullptr);
    if (reply) {
      std::vector<uint8_t> frame_bytes = modbus::EncodeRtu(frame->address, *reply);
      bus_.Tap(FrameDirection::kSent, connection_.peer(), frame_bytes, DescribeRtuFrame);
      connection_.Send(frame_bytes);
    }
  }
}

struct RtuLine::Impl : std::enable_shared_from_this<RtuLine::Impl> {
  Impl(ModbusBus modbus_bus, RtuLineOptions opts, const transport::SerialSettings& settings)
      : bus(std::move(modbus_bus)), options(opts), framer(LineSettingsOf(settings), opts.framer) {}

  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
    framer.Feed(bytes, at);
    ArmPoll();
  }

  void ArmPoll() {
    line->WakeAt(framer.NextDeadline(), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Poll();
    });
  }

  void Poll() {
    const TimePoint now = transport::MonotonicNow();
    const transport::SerialSettings settings = line->settings();
    while (std::optional<modbus::RtuEvent> event = framer.Poll(now)) {
      const auto* frame = std::get_if<modbus::RtuFrame>(&*event);
      bus.CountBusFrame(frame != nullptr, &settings);
      TapRtuRequest(bus, line->name(), *event);
      if (!frame) continue;
      std::optional<modbus::Pdu> reply =
          bus.Handle(frame->address, frame->pdu, line->name(), now, &settings);
      if (reply) {
        SendAfterDelay(modbus::EncodeRtu(frame->address, *reply));
      } else {
        FollowMeter();  // a broadcast write of baud or parity switches at once
      }
    }
    ArmPoll();
  }

  void SendAfterDelay(std::vector<uint8_t> bytes) {
    line->After(options.response_delay,
                [weak = weak_from_this(), bytes = std::move(bytes)]() mutable {
                  if (auto self = weak.lock()) self->Send(std::move(bytes));
                });
  }

  // The reply goes out at the line's current settings; a change of them waits until its last
  // character has left the line.
  void Send(std::vector<uint8_t> bytes) {
    bus.Tap(FrameDirection::kSent, line->name(), bytes, DescribeRtuFrame);
    line->Send(std::move(bytes), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->FollowMeter();
    });
  }

  void FollowMeter() {
    if (!options.follow_meter || bus.units().size() != 1) return;
    transport::SerialSettings wanted = SerialSettingsOf(*bus.units()[0].settings);
    wanted.stop_bits = line->settings().stop_bits;
    if (line->SwitchTo(wanted)) framer = modbus::RtuFramer(LineSettingsOf(wanted), options.framer);
  }

  ModbusBus bus;
  RtuLineOptions options;
  modbus::RtuFramer framer;
  std::unique_ptr<SerialSession> line;
};

Result<std::unique_ptr<RtuLine>> RtuLine::Open(asio::io_context& io,
                                               const transport::SerialSpec& spec,
                                               const transport::SerialSettings& settings,
                                               ModbusBus bus, RtuLineOptions options) {
  auto impl = std::make_shared<Impl>(std::move(bus), options, settings);
  auto line = SerialSession::Open(
      io, spec, settings,
      [weak = std::weak_ptr<Impl>(impl)](std::span<const uint8_t> bytes, TimePoint at) {
        if (auto self = weak.lock()) self->OnReceive(bytes, at);
      });
  if (!line.ok()) return line.status();
  impl->line = std::move(*line);
  return std::unique_ptr<RtuLine>(new RtuLine(std::move(impl)));
}

RtuLine::~RtuLine() { impl_->line.reset(); }

const std::string& RtuLine::name() const { return impl_->line->name(); }
const transport::SerialSettings& RtuLine::settings() const { return impl_->line->settings(); }
const modbus::RtuFramerCounters& RtuLine::framer_counters() const {
  return impl_->framer.counters();
}
const ModbusBus& RtuLine::bus() const { return impl_->bus; }
uint64_t RtuLine::failed_switches() const { return impl_->line->failed_switches(); }
void RtuLine::FollowMeter() { impl_->FollowMeter(); }

}  // namespace pro380::app
