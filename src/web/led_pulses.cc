#include "web/led_pulses.h"

#include <algorithm>

namespace pro380::web {

PulseBatch LedPulseTimes::Next(const device::LedView& view) {
  PulseBatch batch;
  const bool first = !seen_;
  const TimePoint previous = meter_time_;
  seen_ = true;
  batch.count = std::max<int64_t>(0, view.pulses - pulses_);
  pulses_ = view.pulses;
  meter_time_ = view.meter_time;
  if (first) batch.count = 0;
  if (batch.count == 0) return batch;
  const double last = ToSeconds(view.last_pulse_start - view.meter_time);
  const double earliest = ToSeconds(previous - view.meter_time);  // the previous observation
  const auto shown = static_cast<int>(std::min<int64_t>(batch.count, kMaxPulseTimes));
  // One period apart at the present load; spread evenly after the previous observation when
  // there is no load now (the pulses came before it stopped) or the period would reach past it.
  double period = view.flashes_per_second > 0 ? 1.0 / view.flashes_per_second : 0.0;
  const double room = last - earliest;
  if (period <= 0 || static_cast<double>(batch.count - 1) * period >= room) {
    period = room / static_cast<double>(batch.count);
  }
  for (int k = shown - 1; k >= 0; --k) batch.offsets_s.push_back(last - k * period);
  return batch;
}

}  // namespace pro380::web
