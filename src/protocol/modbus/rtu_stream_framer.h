// RTU over TCP: RTU frames (address, PDU, CRC) carried in a TCP byte stream, as serial-to-
// Ethernet gateways forward them. TCP keeps no silences, so t1.5/t3.5 cannot delimit frames;
// this framer delimits requests by the length their function code implies instead:
// - FC01..06: 8 bytes; FC0F, FC10: 9 + the byte count at offset 6.
// - any other function code (FC08 included, whose length the sub-function decides): the
//   shortest prefix of at least 4 bytes whose CRC checks, up to 256 bytes.
// A fixed-length frame with a wrong CRC is dropped (its length is known). A byte followed by
// function code 0 or 128..255 cannot start a request and is dropped at once; when no prefix of
// 256 bytes checks, the first byte is dropped and the search starts again (resynchronisation).
// The rules depend only on the bytes, never on how TCP cut them. TCP does not corrupt bytes, so
// noise is rare; noise that looks like a request of an unknown function code holds the stream
// until 256 bytes are pending. Server side only: responses have other lengths.
//
// Thread safety: none; one framer per TCP connection.
#ifndef PRO380_PROTOCOL_MODBUS_RTU_STREAM_FRAMER_H_
#define PRO380_PROTOCOL_MODBUS_RTU_STREAM_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/modbus/rtu_framer.h"

namespace pro380::modbus {

struct RtuStreamFramerCounters {
  uint64_t bytes = 0;          // every byte fed
  uint64_t frames = 0;         // good frames delivered
  uint64_t crc_errors = 0;     // fixed-length frames dropped for their CRC
  uint64_t skipped_bytes = 0;  // bytes dropped while resynchronising
};

class RtuStreamFramer {
 public:
  // Appends the bytes of one received chunk.
  void Feed(std::span<const uint8_t> bytes);

  // The next good frame or kCrc for a dropped one; nullopt when more bytes are needed.
  std::optional<RtuEvent> Next();

  const RtuStreamFramerCounters& counters() const { return counters_; }

 private:
  // What the bytes at the start of `pending` are: a frame of `size` bytes, the start of a frame
  // that needs more bytes, or no frame at all (no prefix of 256 bytes checks).
  struct Boundary {
    enum class Kind : uint8_t { kFrame, kNeedMore, kNoFrame } kind;
    std::size_t size = 0;
  };
  static Boundary FindBoundary(std::span<const uint8_t> pending);

  std::vector<uint8_t> buffer_;
  std::size_t consumed_ = 0;  // bytes of buffer_ already taken (compacted on Feed)
  RtuStreamFramerCounters counters_;
};

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_RTU_STREAM_FRAMER_H_
