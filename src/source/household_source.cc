#include "source/household_source.h"

namespace pro380::source {

HouseholdSource::HouseholdSource(TimePoint start, uint64_t seed)
    : HouseholdSource(start, seed, /*smooth=*/false) {}

HouseholdSource::HouseholdSource(TimePoint start, uint64_t seed, bool smooth)
    : ScenarioSource(start, seed, smooth), traits_(TraitsForSeed(seed)) {
  for (int k = 0; k < 3; ++k) SetBaseLoad(k, traits_.base_mw[k], traits_.base_mvar[k]);
}

void HouseholdSource::PlanDay(int64_t day, StepSink& steps) const {
  source::PlanDay(traits_, seed(), day, steps);
}

}  // namespace pro380::source
