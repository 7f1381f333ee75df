// RTU over TCP: RTU frames (address, PDU, CRC) carried in a TCP byte stream, as serial-to-
// Ethernet gateways forward them. TCP keeps no silences, so t1.5/t3.5 cannot delimit frames;
// this framer delimits requests by the length their function code implies instead
// (application protocol §6):
// - FC01..06: 8 bytes; FC07, 0B, 0C, 11: 4 bytes; FC08: 8 bytes, except sub-function 0x0000
//   (return query data, any length): the shortest prefix of at least 4 bytes whose CRC checks,
//   up to 256 bytes;
// - FC0F, FC10: 9 + the byte count at offset 6, when the byte count agrees with the quantity
//   (FC10: 2 × quantity, 1..123; FC0F: quantity / 8 rounded up, 1..1968).
// Any other function code, and a multiple write whose header disagrees with itself, cannot start
// a request: that byte is noise and is dropped at once. A candidate frame whose CRC fails is not
// a frame either: one byte is dropped and the search goes on, so a stray byte before a request
// costs nothing but itself (one kCrc is reported per run of failed candidates). The rules depend
// only on the bytes, never on how TCP cut them. Requests of function codes without a delimitable
// format get no reply here (on RTU and TCP they get exception 01). Server side only: responses
// have other lengths.
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
  uint64_t crc_errors = 0;     // runs of candidate frames whose CRC failed (one per damage)
  uint64_t skipped_bytes = 0;  // bytes dropped as noise or while resynchronising
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
  std::size_t consumed_ = 0;      // bytes of buffer_ already taken (compacted on Feed)
  bool resynchronising_ = false;  // a candidate failed its CRC and no good frame followed yet
  RtuStreamFramerCounters counters_;
};

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_RTU_STREAM_FRAMER_H_
