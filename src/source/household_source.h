// The `sim:household` scenario (docs/scenarios.md): a three-phase household with standby load,
// fridge and freezer compressors, lighting by time of day and season, cooking on a three-phase
// hob, kettle, washing machine and dishwasher programmes; mains voltage and frequency that wander
// around 230 V / 50 Hz and sag with the household's own load. 1 s records.
//
// Determinism: the records are a pure function of the seed and the meter time they cover. The
// same seed and start give identical records; two starts give identical records for the meter
// time they share (as long as both start on a whole second).
//
// Cost: ~10 ns per record and ~0.5 KiB per source. Appliance switching is a day-by-day plan of
// integer load steps walked by a StepCursor that keeps only the next few; per record the source
// applies the steps that are due, draws one 64-bit hash for noise, and interpolates voltage and
// frequency set every minute. No trigonometry, no √ and no allocation per record.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_HOUSEHOLD_SOURCE_H_
#define PRO380_SOURCE_HOUSEHOLD_SOURCE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "metering/interval.h"
#include "source/household_plan.h"
#include "source/record_source.h"
#include "source/step_cursor.h"

namespace pro380::source {

inline constexpr Duration kHouseholdStep = std::chrono::seconds(1);

class HouseholdSource : public RecordSource {
 public:
  // The first record starts at `start`; the profile follows its time of day, read as local
  // clock time (meter time carries no time zone).
  HouseholdSource(TimePoint start, uint64_t seed);

  // Never ends and never fails: fills all of `out`.
  Result<std::size_t> Read(std::span<metering::Interval> out) override;

  const HouseholdTraits& traits() const { return traits_; }

 private:
  static constexpr int64_t kTickSeconds = 60;

  // The day plan for steps_.
  auto Plan() const {
    return
        [this](int64_t day, std::vector<LoadStep>& steps) { PlanDay(traits_, seed_, day, steps); };
  }

  void Tick(int64_t second);        // every kTickSeconds: voltage and frequency
  void ApplySteps(int64_t second);  // every step due at or before `second`
  void Generate(int64_t second, metering::Interval& record);
  double VoltageAt(int phase, int64_t second) const;
  double FrequencyAt(int64_t second) const;

  uint64_t seed_;
  HouseholdTraits traits_;
  int64_t second_;          // profile second of the next record
  int64_t next_tick_;       // first second of the next tick
  int64_t tick_start_ = 0;  // first second of the current tick
  StepCursor steps_;
  PhaseLoads loads_;  // base load plus the steps applied
  // The sums above in W and var, their apparent power, and that signed like the active power.
  std::array<double, 3> load_w_{}, load_var_{}, load_va_{}, signed_va_{};
  // Voltage and frequency at tick_start_ and their change per second within the tick.
  std::array<double, 3> volt_base_{}, volt_slope_{}, volt_end_{};
  double freq_base_ = 50, freq_slope_ = 0, freq_end_ = 50;
  int64_t tick_end_second_ = std::numeric_limits<int64_t>::min();  // where volt_end_ applies
  std::array<uint64_t, 3> volt_keys_{};
  uint64_t freq_key_;
  uint64_t noise_key_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_HOUSEHOLD_SOURCE_H_
