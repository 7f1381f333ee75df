#include "protocol/modbus/rtu_stream_framer.h"

#include <algorithm>

#include "base/crc16.h"

namespace pro380::modbus {
namespace {

constexpr std::size_t kFixedRequestSize = 8;         // address, function, 4 bytes, CRC
constexpr std::size_t kBareRequestSize = 4;          // address, function, CRC
constexpr std::size_t kMultipleWriteHeaderSize = 7;  // address … byte count
constexpr uint16_t kMaxWriteRegisters = 123;         // FC10 (application protocol §6.12)
constexpr uint16_t kMaxWriteCoils = 1968;            // FC0F (§6.11)
constexpr uint16_t kDiagnosticsReturnQueryData = 0x0000;

// What the function code says about the request starting at `pending`.
struct Implied {
  enum class Kind : uint8_t { kLength, kByCrc, kNeedMore, kNoRequest } kind;
  std::size_t length = 0;
};

uint16_t WordAt(std::span<const uint8_t> bytes, std::size_t at) {
  return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

// The request length a function code implies (application protocol §6), or why there is none.
// A multiple write whose byte count disagrees with its quantity, and a function code without a
// request format we can delimit, cannot start a request: such a byte is noise.
Implied ImpliedLength(std::span<const uint8_t> pending) {
  using Kind = Implied::Kind;
  switch (pending[1]) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
      return {Kind::kLength, kFixedRequestSize};
    case 0x07:  // read exception status
    case 0x0B:  // get comm event counter
    case 0x0C:  // get comm event log
    case 0x11:  // report server id
      return {Kind::kLength, kBareRequestSize};
    case 0x08:  // diagnostics: sub-function 0x0000 echoes data of any length
      if (pending.size() < 4) return {Kind::kNeedMore};
      if (WordAt(pending, 2) == kDiagnosticsReturnQueryData) return {Kind::kByCrc};
      return {Kind::kLength, kFixedRequestSize};
    case 0x0F:
    case 0x10: {
      if (pending.size() < kMultipleWriteHeaderSize) return {Kind::kNeedMore};
      const uint16_t quantity = WordAt(pending, 4);
      const bool registers = pending[1] == 0x10;
      const std::size_t byte_count = pending[6];
      const std::size_t expected =
          registers ? std::size_t{2} * quantity : (std::size_t{quantity} + 7) / 8;
      if (quantity == 0 || quantity > (registers ? kMaxWriteRegisters : kMaxWriteCoils) ||
          byte_count != expected) {
        return {Kind::kNoRequest};
      }
      return {Kind::kLength, kMultipleWriteHeaderSize + byte_count + 2};
    }
    default:
      return {Kind::kNoRequest};
  }
}

}  // namespace

void RtuStreamFramer::Feed(std::span<const uint8_t> bytes) {
  counters_.bytes += bytes.size();
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

RtuStreamFramer::Boundary RtuStreamFramer::FindBoundary(std::span<const uint8_t> pending) {
  using Kind = Boundary::Kind;
  if (pending.size() < 2) return {Kind::kNeedMore};
  const Implied implied = ImpliedLength(pending);
  if (implied.kind == Implied::Kind::kNoRequest) return {Kind::kNoFrame};
  if (implied.kind == Implied::Kind::kNeedMore) return {Kind::kNeedMore};
  if (implied.kind == Implied::Kind::kLength) {
    // A known length is waited for in full: deciding earlier would make the boundary depend on
    // how the stream was cut.
    if (pending.size() < implied.length) return {Kind::kNeedMore};
    return {Kind::kFrame, implied.length};
  }
  if (pending.size() < kMinRtuFrameSize) return {Kind::kNeedMore};
  // The shortest prefix whose CRC checks; the CRC runs on, so the search is linear.
  uint16_t crc = Crc16Modbus(pending.first(kMinRtuFrameSize - 1));
  const std::size_t limit = std::min(pending.size(), kMaxRtuFrameSize);
  for (std::size_t size = kMinRtuFrameSize; size <= limit; ++size) {
    crc = Crc16Modbus(pending.subspan(size - 1, 1), crc);
    if (crc == 0) return {Kind::kFrame, size};
  }
  return {pending.size() < kMaxRtuFrameSize ? Kind::kNeedMore : Kind::kNoFrame};
}

std::optional<RtuEvent> RtuStreamFramer::Next() {
  while (true) {
    const std::span<const uint8_t> pending = std::span(buffer_).subspan(consumed_);
    const Boundary boundary = FindBoundary(pending);
    if (boundary.kind == Boundary::Kind::kNeedMore) return std::nullopt;
    if (boundary.kind == Boundary::Kind::kNoFrame) {
      // No frame starts at this byte: drop it and search from the next one.
      ++consumed_;
      ++counters_.skipped_bytes;
      continue;
    }
    const std::span<const uint8_t> frame_bytes = pending.first(boundary.size);
    if (Crc16Modbus(frame_bytes) != 0) {
      // Not a frame at this byte: a stray byte before a request looks like the start of one.
      // Drop one byte and search on, so the next good frame is found wherever it starts. One
      // error is reported per run of failed candidates (one damaged frame, one error).
      ++consumed_;
      ++counters_.skipped_bytes;
      if (resynchronising_) continue;
      resynchronising_ = true;
      ++counters_.crc_errors;
      return RtuFrameError::kCrc;
    }
    consumed_ += boundary.size;
    resynchronising_ = false;
    ++counters_.frames;
    RtuFrame frame;
    frame.address = frame_bytes[0];
    frame.pdu.function = frame_bytes[1];
    frame.pdu.data.assign(frame_bytes.begin() + 2, frame_bytes.end() - 2);
    return frame;
  }
}

}  // namespace pro380::modbus
