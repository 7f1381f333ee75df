// PulseOutput: a digital-to-frequency converter with residue, as a meter's test LED or S0
// output. Whole µWh go in; one pulse leaves per `uwh_per_pulse`, the remainder is kept across
// rate changes, tariff switches and combined-code changes. Pulses are never dropped: when the
// power is so high that pulses would come closer than two pulse widths (on + off), later pulses
// are delayed and the backlog is visible through last_pulse_start().
//
// Thread safety: none; owned by one Meter.
#ifndef PRO380_METERING_PULSE_OUTPUT_H_
#define PRO380_METERING_PULSE_OUTPUT_H_

#include <cstdint>

#include "base/time.h"

namespace pro380::metering {

class PulseOutput {
 public:
  explicit PulseOutput(int64_t uwh_per_pulse) : uwh_per_pulse_(uwh_per_pulse) {}

  // Adds `uwh` (>= 0) delivered evenly over [start, start + duration) and schedules the pulses
  // it completes. `width` is the pulse width for the power of this interval.
  void Add(int64_t uwh, TimePoint start, Duration duration, Duration width);

  // Keeps the residue; the next pulse comes when the residue reaches the new size.
  void set_uwh_per_pulse(int64_t uwh_per_pulse) { uwh_per_pulse_ = uwh_per_pulse; }

  int64_t uwh_per_pulse() const { return uwh_per_pulse_; }
  int64_t pulses() const { return pulses_; }
  int64_t residue_uwh() const { return residue_uwh_; }
  // Start of the latest scheduled pulse (may lie after the interval that caused it when the
  // output is saturated); meaningless while pulses() == 0.
  TimePoint last_pulse_start() const { return last_pulse_start_; }
  Duration width() const { return width_; }
  bool IsOn(TimePoint t) const {
    return pulses_ > 0 && t >= last_pulse_start_ && t < last_pulse_start_ + width_;
  }

  void Restore(int64_t pulses, int64_t residue_uwh) {
    pulses_ = pulses;
    residue_uwh_ = residue_uwh;
  }

 private:
  int64_t uwh_per_pulse_;
  int64_t residue_uwh_ = 0;
  int64_t pulses_ = 0;
  TimePoint last_pulse_start_{};
  Duration width_{};
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_PULSE_OUTPUT_H_
