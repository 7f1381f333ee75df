#include "protocol/modbus/rtu_stream_framer.h"

#include <algorithm>

#include "base/crc16.h"

namespace pro380::modbus {
namespace {

constexpr std::size_t kFixedRequestSize = 8;         // address, function, 4 bytes, CRC
constexpr std::size_t kMultipleWriteHeaderSize = 7;  // address … byte count
constexpr std::size_t kUnknownLength = 0;            // FrameLength: search by CRC

// The request length implied by the function code, kUnknownLength when it does not imply one.
std::size_t ImpliedLength(uint8_t function, std::span<const uint8_t> pending, bool& need_more) {
  need_more = false;
  switch (function) {
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
    case 0x06:
      return kFixedRequestSize;
    case 0x0F:
    case 0x10:
      if (pending.size() < kMultipleWriteHeaderSize) {
        need_more = true;
        return kUnknownLength;
      }
      return kMultipleWriteHeaderSize + pending[6] + 2;
    default:
      return kUnknownLength;
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
  // Requests carry function codes 1..127 (application protocol §4.1); 0 and 128..255 cannot
  // start a frame.
  if (pending[1] == 0 || pending[1] >= 0x80) return {Kind::kNoFrame};
  if (pending.size() < kMinRtuFrameSize) return {Kind::kNeedMore};
  bool need_more = false;
  const std::size_t implied = ImpliedLength(pending[1], pending, need_more);
  if (need_more) return {Kind::kNeedMore};
  if (implied != kUnknownLength) {
    // A known length is waited for in full, whatever it is: deciding earlier would make the
    // boundary depend on how the stream was cut.
    if (pending.size() < implied) return {Kind::kNeedMore};
    return {Kind::kFrame, implied};
  }
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
    consumed_ += boundary.size;
    if (Crc16Modbus(frame_bytes) != 0) {
      ++counters_.crc_errors;
      return RtuFrameError::kCrc;
    }
    ++counters_.frames;
    RtuFrame frame;
    frame.address = frame_bytes[0];
    frame.pdu.function = frame_bytes[1];
    frame.pdu.data.assign(frame_bytes.begin() + 2, frame_bytes.end() - 2);
    return frame;
  }
}

}  // namespace pro380::modbus
