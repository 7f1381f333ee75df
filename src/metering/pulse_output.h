// PulseOutput: a digital-to-frequency converter with residue, as a meter's test LED or S0
// output. Whole µWh go in; one pulse per `uwh_per_pulse`, the remainder is kept across rate
// changes, tariff switches and combined-code changes, so pulses() × uwh_per_pulse() +
// residue_uwh() is exactly the energy given.
//
// The engine counts pulses and knows when the latest one fell and how wide pulses are at the
// current power (manual §5 table); emitting them on a pin or a screen is the output driver's job.
// A driver must never drop a counted pulse: when pulses come closer than two widths it queues
// them (on + off time), and the count is what a downstream counter will eventually see.
//
// Thread safety: none; owned by one Meter.
#ifndef PRO380_METERING_PULSE_OUTPUT_H_
#define PRO380_METERING_PULSE_OUTPUT_H_

#include <cstdint>
#include <span>

#include "base/time.h"
#include "metering/s0_rate.h"

namespace pro380::metering {

class PulseOutput {
 public:
  // A test LED: fixed rate and width.
  PulseOutput();
  // An S0 output at `rate`, with the manual's width table.
  explicit PulseOutput(const S0Rate& rate);

  // Adds `uwh` (>= 0) whole µWh delivered by a run of intervals that ends at `run_end`.
  // `interval_uj[i]` and `durations[i]` are each interval's energy and length, `run_uj` their
  // sum; they only place the latest pulse in time (energy assumed even within its interval).
  // The count is exact.
  void AddRun(int64_t uwh, double run_uj, std::span<const double> interval_uj,
              std::span<const Duration> durations, TimePoint run_end) {
    const int64_t before = residue_uwh_;
    residue_uwh_ += uwh;
    if (residue_uwh_ < uwh_per_pulse_) return;
    // Division by multiplication with the reciprocal, corrected by one: exact for any residue
    // below 2^52 µWh, and cheaper than an integer division.
    int64_t count = static_cast<int64_t>(static_cast<double>(residue_uwh_) * pulses_per_uwh_);
    count -= count * uwh_per_pulse_ > residue_uwh_;
    count += (count + 1) * uwh_per_pulse_ <= residue_uwh_;
    residue_uwh_ -= count * uwh_per_pulse_;
    pulses_ += count;
    const double fraction =
        static_cast<double>(count * uwh_per_pulse_ - before) / static_cast<double>(uwh);
    PlaceLatestPulse((1.0 - fraction) * run_uj, interval_uj, durations, run_end);
  }

  // AddRun for a single interval [start, start + duration).
  void Add(int64_t uwh, TimePoint start, Duration duration) {
    const double uj = static_cast<double>(uwh) * 3600.0;
    AddRun(uwh, uj, std::span(&uj, 1), std::span(&duration, 1), start + duration);
  }

  // Keeps the residue; the next pulse comes when the residue reaches the new size.
  void SetRate(const S0Rate& rate);

  int64_t uwh_per_pulse() const { return uwh_per_pulse_; }
  int64_t pulses() const { return pulses_; }
  int64_t residue_uwh() const { return residue_uwh_; }
  // When the latest pulse fell: where the energy crossed its threshold, assuming the energy of
  // its interval arrived evenly. Meaningless while pulses() == 0.
  TimePoint last_pulse_start() const;
  // Mean power of the interval that produced the latest pulse.
  double last_power_w() const;
  // Pulse width at that power: manual §5 for S0, kLedPulseWidth for LEDs.
  Duration width() const;
  bool IsOn(TimePoint t) const {
    return pulses_ > 0 && t >= last_pulse_start() && t < last_pulse_start() + width();
  }

  void Restore(int64_t pulses, int64_t residue_uwh) {
    pulses_ = pulses;
    residue_uwh_ = residue_uwh;
  }

 private:
  // Finds the interval in which the run had `uj_after` µJ still to come after the pulse.
  void PlaceLatestPulse(double uj_after, std::span<const double> interval_uj,
                        std::span<const Duration> durations, TimePoint run_end);

  struct LastPulse {
    TimePoint start{};
    Duration duration{};
    double uj = 0;           // energy of that interval
    double uj_to_pulse = 0;  // energy into it where the latest pulse fell
  };

  bool led_;
  S0Rate rate_;
  int64_t uwh_per_pulse_;
  double pulses_per_uwh_;
  int64_t residue_uwh_ = 0;
  int64_t pulses_ = 0;
  LastPulse last_;
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_PULSE_OUTPUT_H_
