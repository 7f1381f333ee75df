// Short readings of M-Bus frames for the traffic log (transport/traffic_tap.h), e.g.
// "SND_NKE 0x05", "REQ_UD2 0x01 FCB=1", "RSP_UD 0x01 id 22091039 41 records, more follow",
// "SND_UD 0x01 CI 51 2 records", "select 253 id 2209FFFF", "E5 ack". Any bytes are accepted;
// what cannot be read is said so. A traffic entry is one frame as the framer delimited it.
#ifndef PRO380_APP_MBUS_TRAFFIC_H_
#define PRO380_APP_MBUS_TRAFFIC_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "protocol/mbus/stream_framer.h"
#include "transport/traffic_tap.h"

namespace pro380::app {

std::string DescribeMbusFrame(std::span<const uint8_t> frame, transport::FrameDirection direction);

// "dropped: checksum", … for a frame the framer refused.
std::string_view MbusDropNote(mbus::DropReason reason);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_TRAFFIC_H_
