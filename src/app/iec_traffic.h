// The optical port in the traffic log (transport/traffic_tap.h). IEC 62056-21 has no frames, so
// one traffic entry is one message (docs/web.md, "Traffic log"): a sign-on request line, an
// identification line, an option select (ACK V Z Y CR LF), a lone ACK or NAK, a programming
// command (SOH … ETX BCC), a data message (STX … ETX BCC: a whole readout block, an R1 answer,
// an error). The entry holds the 7-bit characters (the parity bit a serial line adds is not
// shown).
//
// IecMessageSplitter cuts the received characters into such messages as a passive observer of
// what the server is fed (the server does its own parsing and counting); DescribeIecMessage reads
// one: "sign-on /?22091039!", "identification /INM5PRO380-Mb", "option ACK 0 5 0",
// "readout 85 data sets", "P1 password", "W1 139.0.1(9600)", "ACK", "NAK", "B0 break".
#ifndef PRO380_APP_IEC_TRAFFIC_H_
#define PRO380_APP_IEC_TRAFFIC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport/traffic_tap.h"

namespace pro380::app {

std::string DescribeIecMessage(std::span<const uint8_t> message,
                               transport::FrameDirection direction);

class IecMessageSplitter {
 public:
  // A byte received with a parity error, as the port passes it on (the server skips it).
  static constexpr uint8_t kParityError = 0xFF;
  static constexpr size_t kMaxMessage = 300;

  struct Message {
    std::string chars;
    std::string_view note;  // "" or "dropped: BCC", "dropped: parity error", …
  };

  // The messages the characters of one received chunk complete.
  std::vector<Message> Feed(std::span<const uint8_t> chars);

 private:
  void Add(char c, std::vector<Message>& out);
  void Finish(std::vector<Message>& out, std::string_view note = {});

  std::string pending_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_TRAFFIC_H_
