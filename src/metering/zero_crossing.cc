#include "metering/zero_crossing.h"

#include <algorithm>
#include <cmath>

namespace pro380::metering {
namespace {

// Where between sample k − 1 (negative) and sample k (non-negative) the line through them
// crosses zero, in (0, 1]. An infinite sample has no line (−inf/−inf is NaN, a/−inf is 0); the
// crossing is then put at sample k, and the segment, holding a non-finite sample, registers
// nothing anyway.
double Fraction(const float* v, int64_t k) {
  const double a = v[k - 1];
  const double b = v[k];
  const double fraction = a / (a - b);
  return fraction > 0 ? fraction : 1.0;
}

CrossingResult Found(int64_t k, double fraction) {
  CrossingResult r;
  r.outcome = CrossingOutcome::kFound;
  r.sample = k;
  r.fraction = fraction;
  return r;
}

// True when the samples before k stay negative back to one below −arm_level at or after
// `first`: k is then the first rising crossing after the hysteresis armed.
bool ArmedBefore(const float* v, int64_t first, int64_t k, float arm_level) {
  for (int64_t j = k - 1; j >= first; --j) {
    const float x = v[j];
    if (x < -arm_level) return true;
    if (!(x < 0)) return false;
  }
  return false;
}

}  // namespace

CrossingResult FindRisingCrossing(const float* v, int64_t count, const CrossingQuery& query) {
  // The first sample taken at or after the segment start; only it and later ones may arm.
  const int64_t first = static_cast<int64_t>(std::ceil(query.start - 0.5));
  const double earliest = query.start_is_crossing ? query.start + query.min_period : query.start;
  const double latest = query.start + query.max_period;
  // A crossing closed by sample k lies after k − 1/2, so none closed later can be <= latest.
  const int64_t k_last = static_cast<int64_t>(std::ceil(latest + 0.5)) - 1;
  CrossingResult result;

  if (query.start_is_crossing && query.predicted_period > 0) {
    const double predicted = query.start + query.predicted_period;
    // Room for the frequency to move ±1.5 % from one cycle to the next; anything larger (a
    // step in a test signal, a glitch) falls through to the full scan.
    const double half_width = query.predicted_period / 64 + 2;
    const int64_t lo =
        std::max(first + 1, static_cast<int64_t>(std::floor(predicted - half_width)));
    const int64_t hi = std::min(k_last, static_cast<int64_t>(std::ceil(predicted + half_width)));
    for (int64_t k = lo; k <= hi; ++k) {
      if (k >= count) return result;  // kNeedMore
      if (!(v[k - 1] < 0 && v[k] >= 0)) continue;
      const double fraction = Fraction(v, k);
      const double at = static_cast<double>(k) - 0.5 + fraction;
      if (at < earliest || at > latest) continue;
      if (ArmedBefore(v, first, k, query.arm_level)) return Found(k, fraction);
    }
  }

  bool armed = false;
  for (int64_t k = first; k <= k_last; ++k) {
    if (k >= count) return result;  // kNeedMore
    const float x = v[k];
    if (x < -query.arm_level) {
      armed = true;
    } else if (armed && x >= 0) {
      // Armed and not yet crossed, so sample k − 1 was negative.
      const double fraction = Fraction(v, k);
      const double at = static_cast<double>(k) - 0.5 + fraction;
      if (at > latest) break;
      if (at < earliest) {  // too soon after the last crossing: a glitch, not a cycle
        armed = false;
        continue;
      }
      return Found(k, fraction);
    }
  }
  result.outcome = CrossingOutcome::kTimeout;
  return result;
}

}  // namespace pro380::metering
