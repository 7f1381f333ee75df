// ReportFrame: how an interface hands one frame to the traffic tap (transport/traffic_tap.h),
// stamped with the wall clock; nothing when there is no tap (`--http off`). Shared by the
// Modbus, M-Bus and optical-port sessions.
#ifndef PRO380_APP_TRAFFIC_REPORT_H_
#define PRO380_APP_TRAFFIC_REPORT_H_

#include <span>
#include <string_view>

#include "transport/traffic_tap.h"

namespace pro380::app {

void ReportFrame(transport::TrafficTap* tap, std::string_view interface,
                 transport::FrameDirection direction, std::string_view peer,
                 std::span<const uint8_t> bytes, transport::FrameDecoder decoder,
                 std::string_view note = {});

}  // namespace pro380::app

#endif  // PRO380_APP_TRAFFIC_REPORT_H_
