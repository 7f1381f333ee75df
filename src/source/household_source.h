// The `sim:household` scenario (docs/scenarios.md): a three-phase household with standby load,
// fridge and freezer compressors, lighting by time of day and season, cooking on a three-phase
// hob, kettle, washing machine and dishwasher programmes; mains voltage and frequency that wander
// around 230 V / 50 Hz and sag with the household's own load (ScenarioSource). 1 s records.
//
// Determinism: the records are a pure function of the seed and the meter time they cover. The
// same seed and start give identical records; two starts give identical records for the meter
// time they share (as long as both start on a whole second).
//
// Cost: ~10 ns per record and < 1 KiB per source: the appliance switching is a day-by-day plan
// of integer load steps (household_plan.h) walked by ScenarioSource's StepCursor.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_HOUSEHOLD_SOURCE_H_
#define PRO380_SOURCE_HOUSEHOLD_SOURCE_H_

#include <cstdint>

#include "base/time.h"
#include "source/household_plan.h"
#include "source/scenario_source.h"

namespace pro380::source {

inline constexpr Duration kHouseholdStep = kScenarioStep;

class HouseholdSource : public ScenarioSource {
 public:
  // The first record starts at `start`; the profile follows its time of day, read as local
  // clock time (meter time carries no time zone).
  HouseholdSource(TimePoint start, uint64_t seed);

  const HouseholdTraits& traits() const { return traits_; }

 protected:
  // For scenarios built on the household (sim:pv): the same household with smooth loads added.
  HouseholdSource(TimePoint start, uint64_t seed, bool smooth);

  void PlanDay(int64_t day, StepSink& steps) const override;

 private:
  HouseholdTraits traits_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_HOUSEHOLD_SOURCE_H_
