// LivePublisher: what the SSE stream carries, gathered on the meters' thread and put into the
// ChangeFeed (docs/web.md, "Stream"). Each call publishes
// - "traffic": the frames recorded since the last call ({"frames": [...]}, as GET /api/v1/traffic),
// - "event": each new event of the event log (as GET /api/v1/events),
// - "values": every `values_period`, one message per meter (as GET /api/v1/meters/{serial}),
// - "counters": with the values, the interfaces' counters (as GET /api/v1/counters),
// - "lcd": a meter's front panel (as GET /api/v1/meters/{serial}/lcd) whenever it changed,
// - "pulses": a meter's test-LED pulses since the previous call, when there were any:
//   {"serial", "leds": {"active": {"count", "offsets_ms": [...]}, "reactive": {...}}}, each
//   offset the wall-time milliseconds from this call back to a pulse (<= 0; web/led_pulses.h).
// Work per call is bounded by what changed; nothing is rendered when nobody could have changed.
#ifndef PRO380_WEB_LIVE_PUBLISHER_H_
#define PRO380_WEB_LIVE_PUBLISHER_H_

#include <array>
#include <functional>
#include <map>
#include <string>

#include "base/time.h"
#include "web/change_feed.h"
#include "web/led_pulses.h"
#include "web/meter_gateway.h"

namespace pro380::web {

class LivePublisher {
 public:
  LivePublisher(ChangeFeed& feed, Duration values_period) : feed_(feed), period_(values_period) {}

  // Call from the meters' thread, as often as the traffic should be live (e.g. every 100 ms).
  void Publish(MeterAccess& access, TimePoint wall_now);

 private:
  ChangeFeed& feed_;
  Duration period_;
  std::map<std::string, std::string> last_lcd_;  // serial -> the LCD JSON last published
  std::map<std::string, std::array<LedPulseTimes, 2>> leds_;  // serial -> active, reactive
  uint64_t traffic_seq_ = 0;
  uint64_t event_seq_ = 0;
  TimePoint next_values_{};
};

}  // namespace pro380::web

#endif  // PRO380_WEB_LIVE_PUBLISHER_H_
