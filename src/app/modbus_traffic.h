// Short readings of Modbus frames for the traffic log (transport/traffic_tap.h): the
// FrameDecoders of the MBAP and RTU framings, e.g. "unit 1 FC03 read 0x5002 x12" or
// "unit 1 FC83 exception 02". Any bytes are accepted; what cannot be read is said so.
#ifndef PRO380_APP_MODBUS_TRAFFIC_H_
#define PRO380_APP_MODBUS_TRAFFIC_H_

#include <cstdint>
#include <span>
#include <string>

#include "transport/traffic_tap.h"

namespace pro380::app {

std::string DescribeMbapFrame(std::span<const uint8_t> frame, transport::FrameDirection direction);
std::string DescribeRtuFrame(std::span<const uint8_t> frame, transport::FrameDirection direction);

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_TRAFFIC_H_
