// Time vocabulary. Meter time is a calendar time point with nanosecond resolution; nothing below
// app/ ever reads a clock: every engine receives time as an argument.
#ifndef PRO380_BASE_TIME_H_
#define PRO380_BASE_TIME_H_

#include <chrono>
#include <cstdint>

namespace pro380 {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::sys_time<Duration>;

// Division (not multiplication by 1e-9, which is inexact) keeps whole seconds exact.
constexpr double ToSeconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

constexpr Duration FromSeconds(double seconds) {
  return Duration(static_cast<int64_t>(seconds * 1e9 + (seconds >= 0 ? 0.5 : -0.5)));
}

}  // namespace pro380

#endif  // PRO380_BASE_TIME_H_
