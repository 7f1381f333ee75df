// Rising zero crossings of the reference voltage: where the waveform front end cuts the sample
// stream into mains cycles.
//
// A crossing counts only after the voltage has been below −arm_level since the segment began
// (hysteresis: noise around zero cannot make a second crossing), and only at a plausible period
// after a previous crossing. Its position is interpolated linearly between the last negative and
// the first non-negative sample, in the stream positions of metering/cycle_sums.h (sample k at
// k + 1/2).
//
// Speed: when the segment began at a crossing and the period is known, only a window around the
// predicted crossing is searched; the full forward scan runs only when that window holds no
// valid crossing (start-up, frequency steps, distorted or missing voltage). Both outcomes depend
// on the samples alone, never on how they were split into blocks.
#ifndef PRO380_METERING_ZERO_CROSSING_H_
#define PRO380_METERING_ZERO_CROSSING_H_

#include <cstdint>

namespace pro380::metering {

// Positions here are relative to the first sample handed in (sample k at k + 1/2), so that the
// search runs in plain doubles whatever the absolute position in a long stream.
struct CrossingQuery {
  double start = 0;                // segment start
  bool start_is_crossing = false;  // the segment began at a crossing of this reference
  double predicted_period = 0;     // samples; 0 = unknown (no window search)
  double min_period = 0;           // samples; applies only after a crossing
  double max_period = 0;           // samples; no crossing by then = timeout
  float arm_level = 0;             // volts
};

enum class CrossingOutcome { kFound, kTimeout, kNeedMore };

struct CrossingResult {
  CrossingOutcome outcome = CrossingOutcome::kNeedMore;
  // kFound: the crossing lies at sample − 1/2 + fraction, fraction in (0, 1]: between the last
  // negative sample and `sample`, the first non-negative one.
  int64_t sample = 0;
  double fraction = 0;
};

// Searches the reference samples v[0 .. count). REQUIRES: query.start >= 0. kNeedMore means the
// answer depends on samples at or after `count`.
CrossingResult FindRisingCrossing(const float* v, int64_t count, const CrossingQuery& query);

}  // namespace pro380::metering

#endif  // PRO380_METERING_ZERO_CROSSING_H_
