// Modbus TCP framing (Modbus Messaging on TCP/IP Implementation Guide V1.0b §3.1.3): every ADU
// is a 7-byte MBAP header — transaction id (2), protocol id (2, 0 = Modbus), length (2: the
// bytes that follow it, unit id included), unit id (1) — followed by the PDU. TCP delivers a
// byte stream, so the framer reassembles ADUs from chunks of any size; there is no timing.
//
// Malformed input, decided here (docs/protocols/modbus.md "Framing"):
// - protocol id ≠ 0 with a valid length: that ADU is skipped (counted); the stream stays in
//   step because the length still delimits it.
// - length < 2 (no function code) or > 254 (PDU over 253 bytes): the stream can no longer be
//   delimited. The framer fails for good (failed() is true, nothing more is delivered) and the
//   transport must close the connection.
//
// Thread safety: none; one framer per TCP connection.
#ifndef PRO380_PROTOCOL_MODBUS_MBAP_FRAMER_H_
#define PRO380_PROTOCOL_MODBUS_MBAP_FRAMER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/modbus/pdu.h"

namespace pro380::modbus {

inline constexpr std::size_t kMbapHeaderSize = 7;
inline constexpr uint16_t kMinMbapLength = 2;    // unit id + function code
inline constexpr uint16_t kMaxMbapLength = 254;  // unit id + kMaxPduSize
static_assert(kMaxMbapLength == kMaxPduSize + 1);

struct MbapFrame {
  uint16_t transaction_id = 0;  // echoed in the response
  uint8_t unit_id = 0;          // the address the request is for
  Pdu pdu;

  friend bool operator==(const MbapFrame&, const MbapFrame&) = default;
};

struct MbapFramerCounters {
  uint64_t bytes = 0;             // every byte fed before the framer failed
  uint64_t frames = 0;            // ADUs delivered
  uint64_t foreign_protocol = 0;  // ADUs skipped for a protocol id ≠ 0
  uint64_t bad_length = 0;        // 0 or 1: the length that made the framer fail
};

class MbapFramer {
 public:
  // Appends the bytes of one received chunk. Ignored once failed().
  void Feed(std::span<const uint8_t> bytes);

  // The next complete ADU, or nullopt when more bytes are needed or the framer failed.
  std::optional<MbapFrame> Next();

  // True after a length outside 2..254: close the connection.
  bool failed() const { return failed_; }

  const MbapFramerCounters& counters() const { return counters_; }

 private:
  std::vector<uint8_t> buffer_;  // bytes not yet delivered, starting at an ADU boundary
  std::size_t consumed_ = 0;     // bytes of buffer_ already delivered (compacted on Feed)
  bool failed_ = false;
  MbapFramerCounters counters_;
};

// The Modbus TCP ADU of `pdu`. REQUIRES: pdu.data.size() + 1 <= kMaxPduSize.
std::vector<uint8_t> EncodeMbap(uint16_t transaction_id, uint8_t unit_id, const Pdu& pdu);

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_MBAP_FRAMER_H_
