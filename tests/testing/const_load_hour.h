// One hour of the integration tests' const source (`const:P1=5000,P2=5000,P3=-12000` at 230 V)
// applied to a meter, so unit tests see the registers the end-to-end tests see.
#ifndef PRO380_TESTING_CONST_LOAD_HOUR_H_
#define PRO380_TESTING_CONST_LOAD_HOUR_H_

#include <chrono>

#include "metering/meter.h"

namespace pro380::testing {

inline void ApplyConstLoadHour(metering::Meter& meter) {
  metering::Interval interval;
  interval.phase[0] = metering::PhaseFromPower(230, 5000, 0);
  interval.phase[1] = metering::PhaseFromPower(230, 5000, 0);
  interval.phase[2] = metering::PhaseFromPower(230, -12000, 0);
  interval.duration = std::chrono::hours(1);
  meter.ApplyRecord(interval);
}

}  // namespace pro380::testing

#endif  // PRO380_TESTING_CONST_LOAD_HOUR_H_
