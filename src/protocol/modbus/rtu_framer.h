// Modbus RTU framing (Modbus over serial line V1.02 §2.5.1): a frame is address, PDU and
// CRC-16 (low byte first), delimited by silence. A frame ends after t3.5 of silence; a silence
// longer than t1.5 between two characters of one frame makes the whole frame invalid.
//
// RtuFramer is sans-I/O: the caller feeds received bytes with the time the chunk's last byte
// arrived, and polls with the current time; it never reads a clock. It does not filter by
// address (the server decides), it only checks length, timing and CRC.
//
// Thread safety: none; one framer per serial line.
#ifndef PRO380_PROTOCOL_MODBUS_RTU_FRAMER_H_
#define PRO380_PROTOCOL_MODBUS_RTU_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "base/time.h"
#include "protocol/modbus/pdu.h"

namespace pro380::modbus {

enum class Parity : uint8_t { kNone, kEven, kOdd };

// The serial line's character format. Always 8 data bits (RTU mode).
struct LineSettings {
  uint32_t baud = 9600;           // bits per second, > 0
  Parity parity = Parity::kEven;  // the PRO380's default is 8E1
  uint8_t stop_bits = 1;          // 1 or 2
};

// The timing the serial line spec derives from the line settings (§2.5.1.1).
struct RtuTiming {
  Duration character;  // start bit, 8 data bits, parity bit if any, stop bits
  Duration t1_5;       // longest silence allowed between two characters of a frame
  Duration t3_5;       // silence that ends a frame
};

// Character time from the settings; t1.5 and t3.5 are 1.5 and 3.5 characters up to 19200 baud
// and the spec's fixed 750 µs and 1750 µs above it. REQUIRES: settings.baud > 0.
RtuTiming TimingFor(const LineSettings& settings);

// The smallest frame (address, function, CRC) and the largest (§2.5.1: 256 bytes).
inline constexpr std::size_t kMinRtuFrameSize = 4;
inline constexpr std::size_t kMaxRtuFrameSize = 256;
static_assert(kMaxRtuFrameSize == kMaxPduSize + 3);

// A frame whose length and CRC are right: the address it was sent to and its PDU.
struct RtuFrame {
  uint8_t address = 0;
  Pdu pdu;

  friend bool operator==(const RtuFrame&, const RtuFrame&) = default;
};

// Why a delimited frame was dropped.
enum class RtuFrameError : uint8_t {
  kCrc,       // the CRC does not match
  kTooShort,  // fewer than kMinRtuFrameSize bytes
  kTooLong,   // more than kMaxRtuFrameSize bytes
  kGap,       // a silence longer than t1.5 inside the frame
};

// What the framer delimited on the line: a good frame or the reason a frame was dropped.
using RtuEvent = std::variant<RtuFrame, RtuFrameError>;

struct RtuFramerCounters {
  uint64_t bytes = 0;       // every byte fed
  uint64_t frames = 0;      // good frames delivered
  uint64_t crc_errors = 0;  // dropped: CRC
  uint64_t too_short = 0;   // dropped: too short
  uint64_t too_long = 0;    // dropped: too long
  uint64_t gap_errors = 0;  // dropped: a silence > t1.5 inside the frame

  uint64_t dropped() const { return crc_errors + too_short + too_long + gap_errors; }
};

struct RtuFramerOptions {
  // Strict by default. false accepts a silence > t1.5 inside a frame (only t3.5 delimits), for
  // USB adapters that deliver one frame in bursts with latency between them.
  bool drop_frames_with_t1_5_gap = true;
};

class RtuFramer {
 public:
  explicit RtuFramer(const LineSettings& settings, RtuFramerOptions options = {});

  // Takes the bytes of one received chunk. `last_byte_at` is when the chunk's last byte
  // arrived; the chunk's bytes are taken as sent back to back, so the silence before it is
  // last_byte_at − size × character − (the previous chunk's last_byte_at). A silence ≥ t3.5
  // first completes the frame in progress. REQUIRES: times do not go backwards.
  void Feed(std::span<const uint8_t> bytes, TimePoint last_byte_at);

  // The next frame or dropped frame, once t3.5 of silence has passed after it (at `now`), else
  // nullopt. Call again until nullopt; call at NextDeadline() to close a frame in time.
  std::optional<RtuEvent> Poll(TimePoint now);

  // When to call Poll next: when the frame in progress ends if nothing more arrives, or a time
  // already past when an event is waiting; nullopt when there is nothing to wait for.
  std::optional<TimePoint> NextDeadline() const;

  const RtuTiming& timing() const { return timing_; }
  const RtuFramerCounters& counters() const { return counters_; }

 private:
  void CompleteFrame();
  RtuEvent Classify() const;

  RtuTiming timing_;
  RtuFramerOptions options_;
  std::vector<uint8_t> buffer_;  // the frame in progress, at most kMaxRtuFrameSize bytes
  std::size_t received_ = 0;     // bytes of the frame in progress, including those not kept
  bool gap_seen_ = false;        // a silence > t1.5 inside the frame in progress
  TimePoint last_byte_at_{};
  std::deque<RtuEvent> ready_;
  RtuFramerCounters counters_;
};

// The RTU frame of `pdu` sent to or from `address`: address, PDU, CRC low byte first.
// REQUIRES: pdu.data.size() + 1 <= kMaxPduSize.
std::vector<uint8_t> EncodeRtu(uint8_t address, const Pdu& pdu);

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_RTU_FRAMER_H_
