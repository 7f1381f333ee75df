// LedPulseTimes: when each test-LED pulse fell, for the web page to flash the LED at the pulse
// times rather than at an average rate (docs/web.md, "LEDs").
//
// The meter's pulse output (metering::PulseOutput) counts every pulse exactly but keeps the time
// of the latest one only. Observed on every tick, the pulses new since the previous observation
// are placed back from that latest pulse, one pulse period (1 / flashes_per_second, the present
// load) apart, and never before the previous observation: exact at a constant load, and within
// one tick of the truth when the load changes. The first observation is the baseline (earlier
// pulses are not replayed).
//
// Thread safety: none; one per LED, used on the meters' thread.
#ifndef PRO380_WEB_LED_PULSES_H_
#define PRO380_WEB_LED_PULSES_H_

#include <cstdint>
#include <vector>

#include "device/front_panel.h"

namespace pro380::web {

// At most this many pulse times per LED per observation; more are counted only. At the web
// page's 100 ms tick that is 640 pulses a second, far beyond what a screen shows.
inline constexpr int kMaxPulseTimes = 64;

struct PulseBatch {
  int64_t count = 0;  // pulses since the previous observation (all of them)
  // The times of the latest min(count, kMaxPulseTimes) pulses, oldest first, in meter seconds
  // relative to the observation's meter time (<= 0).
  std::vector<double> offsets_s;
};

class LedPulseTimes {
 public:
  PulseBatch Next(const device::LedView& view);

 private:
  bool seen_ = false;
  int64_t pulses_ = 0;
  TimePoint meter_time_{};
};

}  // namespace pro380::web

#endif  // PRO380_WEB_LED_PULSES_H_
