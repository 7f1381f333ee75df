#include "protocol/mbus/stream_framer.h"

#include <algorithm>

namespace pro380::mbus {

void StreamFramer::Feed(std::span<const uint8_t> bytes, TimePoint at) {
  if (bytes.empty()) return;
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    damage_end_ -= std::min(damage_end_, consumed_);
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  counters_.bytes += bytes.size();
  last_byte_at_ = at;
}

StreamFramer::Boundary StreamFramer::FindBoundary(std::span<const uint8_t> pending) {
  using Kind = Boundary::Kind;
  switch (pending[0]) {
    case kAck:
      return {Kind::kFrame, 1};
    case kShortStart: {
      if (pending.size() < 5) return {Kind::kNeedMore};
      if (pending[4] != kStop) return {Kind::kBad, 5, DropReason::kStopByte};
      if (static_cast<uint8_t>(pending[1] + pending[2]) != pending[3]) {
        return {Kind::kBad, 5, DropReason::kChecksum};
      }
      return {Kind::kFrame, 5};
    }
    case kLongStart: {
      if (pending.size() < 4) {
        // A length pair that already disagrees needs no more bytes to be refused.
        if (pending.size() == 3 && pending[1] != pending[2]) {
          return {Kind::kBad, 4, DropReason::kLength};
        }
        return {Kind::kNeedMore};
      }
      const std::size_t length = pending[1];
      if (pending[1] != pending[2] || length < 3 || pending[3] != kLongStart) {
        return {Kind::kBad, 4, DropReason::kLength};  // the header is the damage
      }
      const std::size_t size = length + 6;
      if (pending.size() < size) return {Kind::kNeedMore};
      if (pending[size - 1] != kStop) return {Kind::kBad, size, DropReason::kStopByte};
      if (Checksum(pending.subspan(4, length)) != pending[size - 2]) {
        return {Kind::kBad, size, DropReason::kChecksum};
      }
      return {Kind::kFrame, size};
    }
    default:
      return {Kind::kBad};
  }
}

Frame StreamFramer::Parse(std::span<const uint8_t> bytes) {
  Frame frame;
  if (bytes[0] == kAck) return frame;
  frame.control = bytes[1];
  frame.address = bytes[2];
  if (bytes[0] == kShortStart) {
    frame.kind = FrameKind::kShort;
    frame.control = bytes[1];
    frame.address = bytes[2];
    return frame;
  }
  frame.kind = FrameKind::kLong;
  frame.control = bytes[4];
  frame.address = bytes[5];
  frame.ci = bytes[6];
  frame.data.assign(bytes.begin() + 7, bytes.end() - 2);
  return frame;
}

std::optional<FramerEvent> StreamFramer::DropOne(DropReason reason, std::size_t extent) {
  const std::size_t at = consumed_;
  ++consumed_;
  ++counters_.skipped_bytes;
  // A start byte inside a damaged frame is part of that damage, not a new one.
  if (at < damage_end_) return std::nullopt;
  damage_end_ = at + std::max<std::size_t>(extent, 1);
  switch (reason) {
    case DropReason::kChecksum:
      ++counters_.checksum_errors;
      break;
    case DropReason::kLength:
      ++counters_.length_errors;
      break;
    case DropReason::kStopByte:
      ++counters_.stop_errors;
      break;
    case DropReason::kIncomplete:
      ++counters_.incomplete;
      break;
  }
  return FramerEvent{reason};
}

std::optional<FramerEvent> StreamFramer::Next(TimePoint now) {
  while (consumed_ < buffer_.size()) {
    const std::span<const uint8_t> pending = std::span(buffer_).subspan(consumed_);
    const Boundary boundary = FindBoundary(pending);
    switch (boundary.kind) {
      case Boundary::Kind::kFrame: {
        Frame frame = Parse(pending.first(boundary.size));
        consumed_ += boundary.size;
        ++counters_.frames;
        return FramerEvent{std::move(frame)};
      }
      case Boundary::Kind::kNeedMore:
        if (now - last_byte_at_ < idle_timeout_) return std::nullopt;
        // Its header (up to 4 bytes) is part of the unfinished frame.
        if (auto report = DropOne(DropReason::kIncomplete, 4)) return report;
        break;
      case Boundary::Kind::kBad:
        if (pending[0] != kShortStart && pending[0] != kLongStart) {
          ++consumed_;  // noise between frames: skipped, not a damaged frame
          ++counters_.skipped_bytes;
          break;
        }
        if (auto report = DropOne(boundary.reason, boundary.size)) return report;
        break;
    }
  }
  return std::nullopt;
}

std::optional<TimePoint> StreamFramer::NextDeadline() const {
  if (consumed_ >= buffer_.size()) return std::nullopt;
  return last_byte_at_ + idle_timeout_;
}

}  // namespace pro380::mbus
