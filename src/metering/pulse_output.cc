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

  // Pulses fall where the accumulated energy crosses each threshold, assuming the energy
  // arrived evenly over the interval; a pulse may not start before the previous one has been
  // on and off for one width each.
  const auto crossing = [&](int64_t energy_into_interval) {
    const double fraction = static_cast<double>(energy_into_interval) / static_cast<double>(uwh);
    return start + Duration(static_cast<int64_t>(fraction * static_cast<double>(duration.count())));
  };
  const Duration spacing = 2 * width;
  TimePoint first = crossing(uwh_per_pulse_ - before);
  if (pulses_ > 0) first = std::max(first, last_pulse_start_ + 2 * std::max(width_, width));
  last_pulse_start_ =
      std::max(crossing(count * uwh_per_pulse_ - before), first + spacing * (count - 1));
  width_ = width;
  pulses_ += count;
}

}  // namespace pro380::metering
