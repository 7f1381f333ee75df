// The host's monotonic clock as a TimePoint (nanoseconds since an arbitrary start), for bus
// timing: the RTU framer measures silences with it. Never a wall-clock time; never stored.
#ifndef PRO380_TRANSPORT_MONOTONIC_CLOCK_H_
#define PRO380_TRANSPORT_MONOTONIC_CLOCK_H_

#include <chrono>

#include "base/time.h"

namespace pro380::transport {

inline TimePoint MonotonicNow() {
  return TimePoint(
      std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_MONOTONIC_CLOCK_H_
