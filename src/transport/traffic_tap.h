// TrafficTap: where every interface reports the frames it received and sent, for the live
// traffic log of the web page and REST API (docs/web.md, "Traffic log"). Generic on purpose:
// Modbus (TCP, RTU, RTU over TCP) feeds it today; M-Bus and IEC 62056-21 feed the same tap.
//
// A frame is kept as raw bytes plus a decoder function of its protocol, called only when the
// frame is shown, so that recording costs one small copy on the bus path and nothing when no
// tap is installed (`--http off`).
//
// Thread safety: none; the thread that drives the interfaces records (the event loop).
#ifndef PRO380_TRANSPORT_TRAFFIC_TAP_H_
#define PRO380_TRANSPORT_TRAFFIC_TAP_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/time.h"

namespace pro380::transport {

enum class FrameDirection : uint8_t { kReceived, kSent };

// A short human reading of one frame ("FC03 read 0x5002 x12", "exception 02"), or "" when the
// decoder cannot tell. Must accept any bytes.
using FrameDecoder = std::string (*)(std::span<const uint8_t> frame, FrameDirection direction);

struct TrafficFrame {
  TimePoint wall_time{};       // the host's clock when the frame was complete
  std::string_view interface;  // "modbus-tcp", "modbus-rtu", "rtu-over-tcp", "mbus", "iec", …
  std::string_view peer;       // the client's address or the line's name
  FrameDirection direction = FrameDirection::kReceived;
  std::span<const uint8_t> bytes;  // the whole frame (ADU) as on the wire
  FrameDecoder decoder = nullptr;
  std::string_view note;  // e.g. "dropped: CRC" for a frame the framer refused; else ""
};

class TrafficTap {
 public:
  virtual ~TrafficTap() = default;
  // Copies what it keeps; the views of `frame` are valid only during the call.
  virtual void Record(const TrafficFrame& frame) = 0;
};

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_TRAFFIC_TAP_H_
