// Shared helpers of the libFuzzer targets (docs/testing.md): an invariant check that reports
// through the sanitizer runtime, so a broken invariant is a crash with the input saved.
#ifndef PRO380_TESTS_FUZZ_FUZZ_CHECK_H_
#define PRO380_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "metering/interval.h"

namespace pro380::fuzz {

// Aborts (a libFuzzer crash, the input is written to crash-<sha1>) when `condition` is false.
inline void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
  }
}

inline bool IsFinitePhase(const metering::PhaseValues& phase) {
  return std::isfinite(phase.voltage_v) && std::isfinite(phase.current_a) &&
         std::isfinite(phase.active_w) && std::isfinite(phase.reactive_var) &&
         std::isfinite(phase.apparent_va);
}

inline bool IsFiniteInterval(const metering::Interval& interval) {
  for (const metering::PhaseValues& phase : interval.phase) {
    if (!IsFinitePhase(phase)) return false;
  }
  return std::isfinite(interval.frequency_hz);
}

}  // namespace pro380::fuzz

#endif  // PRO380_TESTS_FUZZ_FUZZ_CHECK_H_
