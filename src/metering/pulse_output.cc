#include "metering/pulse_output.h"

#include <algorithm>

namespace pro380::metering {

void PulseOutput::Add(int64_t uwh, TimePoint start, Duration duration, Duration width) {
  if (uwh <= 0) return;
  const int64_t before = residue_uwh_;
  residue_uwh_ += uwh;
  const int64_t count = residue_uwh_ / uwh_per_pulse_;
  if (count == 0) return;
  residue_uwh_ -= count * uwh_per_pulse_;

  // The last new pulse falls where the accumulated energy crossed its threshold, assuming the
  // energy arrived evenly over the interval.
  const int64_t into_interval = count * uwh_per_pulse_ - before;
  const double fraction = static_cast<double>(into_interval) / static_cast<double>(uwh);
  const TimePoint crossing =
      start + Duration(static_cast<int64_t>(fraction * static_cast<double>(duration.count())));
  const TimePoint earliest =
      pulses_ == 0 ? crossing : last_pulse_start_ + 2 * std::max(width_, width) * count;
  last_pulse_start_ = std::max(crossing, earliest);
  width_ = width;
  pulses_ += count;
}

}  // namespace pro380::metering
