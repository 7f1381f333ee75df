// StreamFramer: delimits M-Bus frames (frame.h) in a received byte stream, whatever the chunks,
// and resynchronises after noise, glued frames and damaged frames. Sans-I/O: bytes and time
// points in, frames and drop reports out.
//
// Rules (EN 13757-2 §5 with FT1.2 of EN 60870-5-1):
// - a frame starts with E5, 10 or 68; any other byte at a frame boundary is noise and skipped;
// - a short frame is 5 bytes and must end in 16 with the checksum C + A;
// - a long frame's header is 68 L L 68 with both length bytes equal and L ≥ 3; it is L + 6 bytes
//   and must end in 16 with the checksum of C … data;
// - a candidate that fails a check is not a frame: its first byte is dropped and the search goes
//   on from the next, so a frame glued behind noise or a damaged frame is still found. One drop
//   is reported per damaged frame: start bytes inside a complete candidate that failed (its
//   length is known) are part of the same damage;
// - a candidate still incomplete `idle_timeout` after the last byte arrived (a wrong length byte
//   that promises more than was sent) is dropped the same way: the line was idle, so the master
//   has finished sending (EN 13757-2 lets a slave discard a frame with an idle gap inside).
//
// Thread safety: none; one framer per line or connection.
#ifndef PRO380_PROTOCOL_MBUS_STREAM_FRAMER_H_
#define PRO380_PROTOCOL_MBUS_STREAM_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "base/time.h"
#include "protocol/mbus/frame.h"

namespace pro380::mbus {

enum class DropReason : uint8_t {
  kChecksum,    // a complete candidate whose checksum does not match
  kLength,      // a long frame header whose length bytes differ, are below 3 or lack the 2nd 68
  kStopByte,    // a complete candidate without the stop byte 16
  kIncomplete,  // a candidate the line left unfinished for idle_timeout
};

struct FramerCounters {
  uint64_t bytes = 0;            // every byte fed
  uint64_t frames = 0;           // frames delivered (E5 included)
  uint64_t checksum_errors = 0;  // damaged frames dropped, by reason
  uint64_t length_errors = 0;
  uint64_t stop_errors = 0;
  uint64_t incomplete = 0;
  uint64_t skipped_bytes = 0;  // bytes dropped as noise or while resynchronising
};

using FramerEvent = std::variant<Frame, DropReason>;

class StreamFramer {
 public:
  explicit StreamFramer(Duration idle_timeout) : idle_timeout_(idle_timeout) {}

  // Appends the bytes of one received chunk, received at `at`.
  void Feed(std::span<const uint8_t> bytes, TimePoint at);

  // The next frame or drop report at time `now`; nullopt when more bytes are needed.
  std::optional<FramerEvent> Next(TimePoint now);

  // When an incomplete candidate will be dropped, if one is waiting.
  std::optional<TimePoint> NextDeadline() const;

  const FramerCounters& counters() const { return counters_; }

 private:
  struct Boundary {
    enum class Kind : uint8_t { kFrame, kNeedMore, kBad } kind;
    std::size_t size = 0;  // kFrame; kBad: the candidate's size when its length is known
    DropReason reason{};   // kBad
  };
  static Boundary FindBoundary(std::span<const uint8_t> pending);
  static Frame Parse(std::span<const uint8_t> bytes);
  // Drops the first pending byte for a candidate of `extent` bytes that failed for `reason`;
  // reports it unless the byte lies inside a damaged frame already reported.
  std::optional<FramerEvent> DropOne(DropReason reason, std::size_t extent);

  std::vector<uint8_t> buffer_;
  std::size_t consumed_ = 0;
  TimePoint last_byte_at_{};
  std::size_t damage_end_ = 0;  // end (in buffer_) of the last damaged frame reported
  Duration idle_timeout_;
  FramerCounters counters_;
};

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_STREAM_FRAMER_H_
