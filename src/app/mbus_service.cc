#include "app/mbus_service.h"

#include <variant>

#include "app/serial_session.h"
#include "transport/monotonic_clock.h"

namespace pro380::app {

Duration MbusLineIdleTimeout(int baud) {
  const Duration three_characters = std::chrono::microseconds(3 * 11 * 1'000'000LL / baud);
  return std::max<Duration>(std::chrono::milliseconds(50), three_characters);
}

void MbusTcpSession::Drain(TimePoint at) {
  while (std::optional<mbus::FramerEvent> event = framer_.Next(at)) {
    const auto* frame = std::get_if<mbus::Frame>(&*event);
    if (!frame) {
      bus_.Dropped(connection_.peer(), std::get<mbus::DropReason>(*event));
      continue;
    }
    std::vector<uint8_t> reply = bus_.Handle(*frame, connection_.peer(), at, 0);
    if (!reply.empty()) connection_.Send(reply);
  }
}

void MbusTcpSession::OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
  // An unfinished frame the client left idle is dropped before the new bytes are appended.
  Drain(at);
  framer_.Feed(bytes, at);
  Drain(at);
}

namespace {

transport::SerialSettings LineSettings(int baud) {
  return {static_cast<uint32_t>(baud), transport::SerialParity::kEven, 1};
}

std::string Addresses(const std::vector<MbusUnit>& units) {
  std::string text;
  for (const MbusUnit& unit : units) {
    text += (text.empty() ? "" : ", ") + std::to_string(unit.settings->mbus_primary_address) + "/" +
            std::to_string(device::MbusSecondaryAddress(*unit.settings));
  }
  return (units.size() == 1 ? "primary/secondary address " : "primary/secondary addresses ") + text;
}

}  // namespace

struct MbusLine::Impl : std::enable_shared_from_this<MbusLine::Impl> {
  Impl(MbusBus mbus_bus, int baud, bool follow)
      : bus(std::move(mbus_bus)), framer(MbusLineIdleTimeout(baud)), follow_meter(follow) {}

  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) {
    Poll(at);
    framer.Feed(bytes, at);
    Poll(at);
  }

  void ArmPoll() {
    line->WakeAt(framer.NextDeadline(), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->Poll(transport::MonotonicNow());
    });
  }

  void Poll(TimePoint now) {
    const int baud = static_cast<int>(line->settings().baud);
    while (std::optional<mbus::FramerEvent> event = framer.Next(now)) {
      const auto* frame = std::get_if<mbus::Frame>(&*event);
      if (!frame) {
        bus.Dropped(line->name(), std::get<mbus::DropReason>(*event));
        continue;
      }
      std::vector<uint8_t> reply = bus.Handle(*frame, line->name(), now, baud);
      if (!reply.empty()) {
        Send(std::move(reply));
      } else {
        FollowMeter();  // a broadcast baud switch applies at once
      }
    }
    ArmPoll();
  }

  // The reply goes out at the line's current rate; a switch waits until its last character has
  // left the line.
  void Send(std::vector<uint8_t> bytes) {
    line->Send(std::move(bytes), [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->FollowMeter();
    });
  }

  void FollowMeter() {
    if (!follow_meter || bus.units().size() != 1) return;
    const transport::SerialSettings wanted = LineSettings(bus.units()[0].settings->mbus_baud_rate);
    if (line->SwitchTo(wanted)) {
      framer = mbus::StreamFramer(MbusLineIdleTimeout(static_cast<int>(wanted.baud)));
    }
  }

  MbusBus bus;
  mbus::StreamFramer framer;
  bool follow_meter;
  std::unique_ptr<SerialSession> line;
};

Result<std::unique_ptr<MbusLine>> MbusLine::Open(asio::io_context& io,
                                                 const transport::SerialSpec& spec, int baud,
                                                 MbusBus bus, bool follow_meter) {
  auto impl = std::make_shared<Impl>(std::move(bus), baud, follow_meter);
  auto line = SerialSession::Open(
      io, spec, LineSettings(baud),
      [weak = std::weak_ptr<Impl>(impl)](std::span<const uint8_t> bytes, TimePoint at) {
        if (auto self = weak.lock()) self->OnReceive(bytes, at);
      });
  if (!line.ok()) return line.status();
  impl->line = std::move(*line);
  return std::unique_ptr<MbusLine>(new MbusLine(std::move(impl)));
}

MbusLine::~MbusLine() { impl_->line.reset(); }

const std::string& MbusLine::name() const { return impl_->line->name(); }
const transport::SerialSettings& MbusLine::settings() const { return impl_->line->settings(); }
const mbus::FramerCounters& MbusLine::framer_counters() const { return impl_->framer.counters(); }
const MbusBus& MbusLine::bus() const { return impl_->bus; }
uint64_t MbusLine::failed_switches() const { return impl_->line->failed_switches(); }
void MbusLine::FollowMeter() { impl_->FollowMeter(); }

Result<std::unique_ptr<MbusService>> MbusService::Open(asio::io_context& io,
                                                       const InterfacePlan& plan,
                                                       const std::vector<MbusUnit>& units,
                                                       transport::TrafficTap* tap) {
  auto service = std::unique_ptr<MbusService>(new MbusService());
  service->units_ = units;
  if (units.empty()) return service;
  for (const transport::TcpEndpoint& endpoint : plan.mbus_tcp) {
    Listener listener;
    listener.bus = std::make_unique<MbusBus>(units, "mbus-tcp", tap);
    MbusBus* bus = listener.bus.get();
    auto server = transport::TcpServer::Listen(
        io, endpoint,
        [bus](transport::TcpConnection& connection) -> std::unique_ptr<transport::StreamHandler> {
          return std::make_unique<MbusTcpSession>(connection, *bus);
        });
    if (!server.ok()) return server.status().WithContext("--mbus-tcp");
    listener.server = std::move(*server);
    service->tcp_.push_back(std::move(listener));
  }
  for (const transport::SerialSpec& spec : plan.mbus) {
    const int baud =
        spec.baud ? static_cast<int>(*spec.baud) : units.front().settings->mbus_baud_rate;
    auto line = MbusLine::Open(io, spec, baud, MbusBus(units, "mbus", tap), units.size() == 1);
    if (!line.ok()) return line.status().WithContext("--mbus");
    service->lines_.push_back(std::move(*line));
  }
  return service;
}

std::vector<std::string> MbusService::Describe() const {
  std::vector<std::string> text;
  for (const Listener& l : tcp_) {
    text.push_back("M-Bus TCP on " + transport::ToString(l.server->endpoint()) + ", " +
                   Addresses(units_));
  }
  for (const auto& line : lines_) {
    std::string description = "M-Bus on " + line->name() + " at " +
                              std::to_string(line->settings().baud) + " 8E1, " + Addresses(units_);
    for (const MbusUnit& unit : units_) {
      if (unit.settings->mbus_baud_rate != static_cast<int>(line->settings().baud)) {
        description += "; meter " + unit.serial + " is set to " +
                       std::to_string(unit.settings->mbus_baud_rate) +
                       " baud and does not hear this line";
      }
    }
    text.push_back(description);
  }
  return text;
}

}  // namespace pro380::app
