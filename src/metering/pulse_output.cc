#include "metering/pulse_output.h"

#include <algorithm>

namespace pro380::metering {

PulseOutput::PulseOutput()
    : led_(true),
      rate_{10000, kLedUwhPerPulse},
      uwh_per_pulse_(kLedUwhPerPulse),
      pulses_per_uwh_(1.0 / kLedUwhPerPulse) {}

PulseOutput::PulseOutput(const S0Rate& rate)
    : led_(false),
      rate_(rate),
      uwh_per_pulse_(rate.uwh_per_pulse),
      pulses_per_uwh_(1.0 / static_cast<double>(rate.uwh_per_pulse)) {}

void PulseOutput::SetRate(const S0Rate& rate) {
  rate_ = rate;
  uwh_per_pulse_ = rate.uwh_per_pulse;
  pulses_per_uwh_ = 1.0 / static_cast<double>(rate.uwh_per_pulse);
}

void PulseOutput::PlaceLatestPulse(double uj_after, std::span<const double> interval_uj,
                                   std::span<const Duration> durations, TimePoint run_end) {
  // Walk back from the end of the run to the interval holding the pulse.
  double after = uj_after;
  TimePoint end = run_end;
  for (std::size_t i = interval_uj.size(); i-- > 0;) {
    const TimePoint begin = end - durations[i];
    if (interval_uj[i] > after || i == 0) {
      last_ = {begin, durations[i], interval_uj[i], std::max(0.0, interval_uj[i] - after)};
      return;
    }
    after -= interval_uj[i];
    end = begin;
  }
}

TimePoint PulseOutput::last_pulse_start() const {
  if (last_.uj <= 0) return last_.start;
  const double fraction = last_.uj_to_pulse / last_.uj;
  return last_.start +
         Duration(static_cast<int64_t>(fraction * static_cast<double>(last_.duration.count())));
}

double PulseOutput::last_power_w() const {
  const double seconds = ToSeconds(last_.duration);
  return seconds > 0 ? last_.uj * 1e-6 / seconds : 0.0;
}

Duration PulseOutput::width() const {
  return led_ ? kLedPulseWidth : S0PulseWidth(rate_, last_power_w());
}

}  // namespace pro380::metering
