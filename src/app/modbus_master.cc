#include "app/modbus_master.h"

#include <optional>
#include <sstream>

#include "transport/monotonic_clock.h"

namespace pro380::app {
namespace {

std::string Hex4(uint16_t value) {
  std::ostringstream out;
  out << "0x" << std::hex << std::uppercase;
  out.width(4);
  out.fill('0');
  out << value;
  return out.str();
}

// What arrived between two counter snapshots that never became the reply ("2 frames with a bad
// CRC, 40 bytes of noise"), or nothing when nothing did.
std::optional<std::string> DescribeGarbage(const modbus::ClientCounters& before,
                                           const modbus::ClientCounters& after) {
  const uint64_t frames = after.bad_frames - before.bad_frames;
  const uint64_t noise = after.skipped_bytes - before.skipped_bytes;
  if (frames == 0 && noise == 0) return std::nullopt;
  std::string text;
  if (frames > 0)
    text = std::to_string(frames) + (frames == 1 ? " frame" : " frames") + " with a bad CRC";
  if (noise > 0) {
    if (!text.empty()) text += ", ";
    text += std::to_string(noise) + (noise == 1 ? " byte" : " bytes") + " of noise";
  }
  return text;
}

}  // namespace

ModbusMaster::ModbusMaster(std::unique_ptr<transport::ClientLink> link,
                           modbus::ClientFraming framing, modbus::ClientOptions options)
    : link_(std::move(link)), options_(options), framing_(framing), client_(framing, options) {}

Result<modbus::Pdu> ModbusMaster::Transact(uint8_t unit, const modbus::Pdu& request,
                                           const std::string& what) {
  const std::string where = "ID " + std::to_string(unit) + " at " + link_->name();
  last_failure_ = TransactionFailure::kLink;  // until the transaction ends otherwise
  if (framing_ == modbus::ClientFraming::kRtu) link_->DiscardInput();
  const modbus::ClientCounters before = client_.counters();
  std::vector<uint8_t> send = client_.Start(unit, request, transport::MonotonicNow());
  for (;;) {
    if (!send.empty()) {
      if (Status sent = link_->Send(send); !sent.ok()) return sent;
      send.clear();
    }
    auto received = link_->Receive(*client_.NextDeadline());
    if (!received.ok()) return received.status().WithContext(where + ", " + what);
    client_.Feed(*received);
    modbus::ClientStep step = client_.Poll(transport::MonotonicNow());
    send = std::move(step.send);
    if (!step.outcome) continue;
    if (auto* error = std::get_if<modbus::ClientError>(&*step.outcome)) {
      const std::string attempts = std::to_string(options_.retries + 1);
      if (error->kind == modbus::ClientErrorKind::kTimeout) {
        if (auto garbled = DescribeGarbage(before, client_.counters())) {
          // Bytes came but never a reply: two devices with one ID collide on RS485, or the line's
          // baud rate or parity is wrong. Either way something is there.
          last_failure_ = TransactionFailure::kBadReply;
          return Status::IoError(where + " answered " + what + " only with garbled bytes (" +
                                 *garbled + ")");
        }
        last_failure_ = TransactionFailure::kNoReply;
        return Status::IoError(where + " did not answer " + what + " (" + attempts + " attempts, " +
                               std::to_string(ToSeconds(options_.timeout)) + " s each)");
      }
      last_failure_ = TransactionFailure::kBadReply;
      return Status::IoError(where + " gave a " + error->Describe() + " to " + what);
    }
    modbus::Pdu reply = std::get<modbus::Pdu>(std::move(*step.outcome));
    if ((reply.function & 0x80) != 0) {
      last_failure_ = TransactionFailure::kRefused;
      const auto refused = modbus::CheckWriteReply(request, reply);  // decodes the exception
      return Status::FailedPrecondition(where + " refused " + what + ": " +
                                        (refused ? refused->Describe() : "exception"));
    }
    last_failure_ = TransactionFailure::kNone;
    return reply;
  }
}

Result<std::vector<uint16_t>> ModbusMaster::Read(uint8_t unit, const modbus::Pdu& request,
                                                 const std::string& what) {
  auto reply = Transact(unit, request, what);
  if (!reply.ok()) return reply.status();
  auto parsed = modbus::ParseReadReply(request, *reply);
  if (auto* error = std::get_if<modbus::ClientError>(&parsed)) {
    last_failure_ = TransactionFailure::kBadReply;
    return Status::IoError("ID " + std::to_string(unit) + " at " + link_->name() + " gave a " +
                           error->Describe() + " to " + what);
  }
  return std::get<std::vector<uint16_t>>(std::move(parsed));
}

Result<std::vector<uint16_t>> ModbusMaster::ReadHolding(uint8_t unit, uint16_t start,
                                                        uint16_t count) {
  return Read(unit, modbus::ReadHoldingRegistersRequest(start, count),
              "a read of " + std::to_string(count) + " registers at " + Hex4(start));
}

Result<std::vector<uint16_t>> ModbusMaster::ReadInput(uint8_t unit, uint16_t start,
                                                      uint16_t count) {
  return Read(unit, modbus::ReadInputRegistersRequest(start, count),
              "a read of " + std::to_string(count) + " input registers at " + Hex4(start));
}

Status ModbusMaster::WriteMultiple(uint8_t unit, uint16_t start, std::span<const uint16_t> words) {
  const modbus::Pdu request = modbus::WriteMultipleRegistersRequest(start, words);
  const std::string what =
      "a write of " + std::to_string(words.size()) + " registers at " + Hex4(start);
  auto reply = Transact(unit, request, what);
  if (!reply.ok()) return reply.status();
  if (auto error = modbus::CheckWriteReply(request, *reply)) {
    last_failure_ = TransactionFailure::kBadReply;
    return Status::IoError("ID " + std::to_string(unit) + " at " + link_->name() + " gave a " +
                           error->Describe() + " to " + what);
  }
  return Status::Ok();
}

}  // namespace pro380::app
