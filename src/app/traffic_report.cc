#include "app/traffic_report.h"

#include "app/wall_clock.h"

namespace pro380::app {

void ReportFrame(transport::TrafficTap* tap, std::string_view interface,
                 transport::FrameDirection direction, std::string_view peer,
                 std::span<const uint8_t> bytes, transport::FrameDecoder decoder,
                 std::string_view note) {
  if (tap == nullptr) return;
  tap->Record({WallNow(), interface, peer, direction, bytes, decoder, note});
}

}  // namespace pro380::app
