#include "metering/zero_crossing.h"

#include <algorithm>
#include <cmath>

namespace pro380::metering {
namespace {

// The crossing between sample k − 1 (negative) and sample k (non-negative), which lies in
// (k − 1/2, k + 1/2].
long double Interpolate(const float* v, int64_t base, int64_t k) {
  const double a = v[k - 1 - base];
  const double b = v[k - base];
  return static_cast<long double>(k) - 0.5L + static_cast<long double>(a / (a - b));
}

// True when the samples before k stay negative back to one below −arm_level at or after
// `first`: k is then the first rising crossing after the hysteresis armed.
bool ArmedBefore(const float* v, int64_t base, int64_t first, int64_t k, float arm_level) {
  for (int64_t j = k - 1; j >= first; --j) {
    const float x = v[j - base];
    if (x < -arm_level) return true;
    if (!(x < 0)) return false;
  }
  return false;
}

}  // namespace

CrossingResult FindRisingCrossing(const float* v, int64_t base, int64_t end,
                                  const CrossingQuery& query) {
  // The first sample taken at or after the segment start; only it and later ones may arm.
  const int64_t first = static_cast<int64_t>(std::ceil(query.start - 0.5L));
  const long double earliest =
      query.start_is_crossing ? query.start + query.min_period : query.start;
  const long double latest = query.start + query.max_period;
  // A crossing closed by sample k lies after k − 1/2, so none closed later can be <= latest.
  const int64_t k_last = static_cast<int64_t>(std::ceil(latest + 0.5L)) - 1;
  CrossingResult result;

  if (query.start_is_crossing && query.predicted_period > 0) {
    const long double predicted = query.start + query.predicted_period;
    const double half_width = query.predicted_period / 16 + 2;
    const int64_t lo =
        std::max(first + 1, static_cast<int64_t>(std::floor(predicted - half_width)));
    const int64_t hi = std::min(k_last, static_cast<int64_t>(std::ceil(predicted + half_width)));
    for (int64_t k = lo; k <= hi; ++k) {
      if (k >= end) return result;  // kNeedMore
      if (!(v[k - 1 - base] < 0 && v[k - base] >= 0)) continue;
      const long double at = Interpolate(v, base, k);
      if (at < earliest || at > latest) continue;
      if (ArmedBefore(v, base, first, k, query.arm_level)) {
        result.outcome = CrossingOutcome::kFound;
        result.position = at;
        return result;
      }
    }
  }

  bool armed = false;
  for (int64_t k = first; k <= k_last; ++k) {
    if (k >= end) return result;  // kNeedMore
    const float x = v[k - base];
    if (x < -query.arm_level) {
      armed = true;
    } else if (armed && x >= 0) {
      // Armed and not yet crossed, so sample k − 1 was negative.
      const long double at = Interpolate(v, base, k);
      if (at > latest) break;
      if (at < earliest) {  // too soon after the last crossing: a glitch, not a cycle
        armed = false;
        continue;
      }
      result.outcome = CrossingOutcome::kFound;
      result.position = at;
      return result;
    }
  }
  result.outcome = CrossingOutcome::kTimeout;
  return result;
}

}  // namespace pro380::metering
