#include "protocol/modbus/rtu_framer.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <utility>

#include "base/crc16.h"

namespace pro380::modbus {

RtuTiming TimingFor(const LineSettings& settings) {
  assert(settings.baud > 0);
  const int64_t bits = 1 + 8 + (settings.parity == Parity::kNone ? 0 : 1) + settings.stop_bits;
  // Rounded up to whole nanoseconds: a silence is never judged shorter than it is.
  const int64_t character_ns = (bits * 1'000'000'000 + settings.baud - 1) / settings.baud;
  RtuTiming timing;
  timing.character = Duration(character_ns);
  // §2.5.1.1: "for baud rates greater than 19200 Bps, fixed values for the 2 timers should be
  // used: 750µs for the inter-character time-out (t1.5) and a value of 1.750ms for inter-frame
  // delay (t3.5)".
  if (settings.baud > 19200) {
    timing.t1_5 = std::chrono::microseconds(750);
    timing.t3_5 = std::chrono::microseconds(1750);
  } else {
    timing.t1_5 = Duration(character_ns * 3 / 2);
    timing.t3_5 = Duration(character_ns * 7 / 2);
  }
  return timing;
}

RtuFramer::RtuFramer(const LineSettings& settings, RtuFramerOptions options)
    : timing_(TimingFor(settings)), options_(options) {
  buffer_.reserve(kMaxRtuFrameSize);
}

void RtuFramer::Feed(std::span<const uint8_t> bytes, TimePoint last_byte_at) {
  if (bytes.empty()) return;
  counters_.bytes += bytes.size();
  if (received_ > 0) {
    const Duration silence =
        last_byte_at - timing_.character * static_cast<int64_t>(bytes.size()) - last_byte_at_;
    if (silence >= timing_.t3_5) {
      CompleteFrame();
    } else if (silence > timing_.t1_5 && options_.drop_frames_with_t1_5_gap) {
      // §2.5.1.1: the frame "is declared incomplete and should be discarded"; the bytes up to
      // the next t3.5 silence still belong to it.
      gap_seen_ = true;
    }
  }
  const std::size_t room = kMaxRtuFrameSize - buffer_.size();
  const std::size_t kept = std::min(room, bytes.size());
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(kept));
  received_ += bytes.size();
  last_byte_at_ = last_byte_at;
}

std::optional<RtuEvent> RtuFramer::Poll(TimePoint now) {
  if (received_ > 0 && now - last_byte_at_ >= timing_.t3_5) CompleteFrame();
  if (ready_.empty()) return std::nullopt;
  // Swapped out rather than moved: GCC 12 reports a false -Wmaybe-uninitialized on moving a
  // variant out of a deque element.
  std::optional<RtuEvent> event(RtuFrameError::kCrc);
  std::swap(*event, ready_.front());
  ready_.pop_front();
  return event;
}

std::optional<TimePoint> RtuFramer::NextDeadline() const {
  if (!ready_.empty()) return last_byte_at_;
  if (received_ == 0) return std::nullopt;
  return last_byte_at_ + timing_.t3_5;
}

void RtuFramer::CompleteFrame() {
  RtuEvent event = Classify();
  if (const auto* error = std::get_if<RtuFrameError>(&event)) {
    switch (*error) {
      case RtuFrameError::kCrc:
        ++counters_.crc_errors;
        break;
      case RtuFrameError::kTooShort:
        ++counters_.too_short;
        break;
      case RtuFrameError::kTooLong:
        ++counters_.too_long;
        break;
      case RtuFrameError::kGap:
        ++counters_.gap_errors;
        break;
    }
  } else {
    ++counters_.frames;
  }
  ready_.push_back(std::move(event));
  buffer_.clear();
  received_ = 0;
  gap_seen_ = false;
}

RtuEvent RtuFramer::Classify() const {
  if (gap_seen_) return RtuFrameError::kGap;
  if (received_ > kMaxRtuFrameSize) return RtuFrameError::kTooLong;
  if (received_ < kMinRtuFrameSize) return RtuFrameError::kTooShort;
  if (Crc16Modbus(buffer_) != 0) return RtuFrameError::kCrc;
  RtuFrame frame;
  frame.address = buffer_[0];
  frame.pdu.function = buffer_[1];
  frame.pdu.data.assign(buffer_.begin() + 2, buffer_.end() - 2);
  return frame;
}

std::vector<uint8_t> EncodeRtu(uint8_t address, const Pdu& pdu) {
  assert(pdu.data.size() + 1 <= kMaxPduSize);
  std::vector<uint8_t> frame;
  frame.reserve(pdu.data.size() + 4);
  frame.push_back(address);
  frame.push_back(pdu.function);
  frame.insert(frame.end(), pdu.data.begin(), pdu.data.end());
  const uint16_t crc = Crc16Modbus(frame);
  frame.push_back(static_cast<uint8_t>(crc & 0xFF));
  frame.push_back(static_cast<uint8_t>(crc >> 8));
  return frame;
}

}  // namespace pro380::modbus
