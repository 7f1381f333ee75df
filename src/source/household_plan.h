// The appliance schedule of the `sim:household` scenario (docs/scenarios.md): which appliance
// switches on and off when, on which phase, drawing what. A day's plan is a pure function of the
// seed and the calendar day, so any start time sees the same household.
//
// Thread safety: plain functions of their arguments.
#ifndef PRO380_SOURCE_HOUSEHOLD_PLAN_H_
#define PRO380_SOURCE_HOUSEHOLD_PLAN_H_

#include <array>
#include <cstdint>

#include "source/step_sink.h"

namespace pro380::source {

// What stays the same for one household (one seed) all year.
struct HouseholdTraits {
  std::array<int32_t, 3> base_mw;    // standby and always-on devices, per phase
  std::array<int32_t, 3> base_mvar;  // their (capacitive, negative) reactive power
  int32_t fridge_mw, freezer_mw;     // compressor running power
  int64_t fridge_period_s, freezer_period_s;
  double fridge_duty, freezer_duty;  // mean share of time the compressor runs
  int32_t kettle_mw, tv_mw;
  double washes_per_week, dishwasher_runs_per_week;
  double home_office_share;  // share of weekdays someone works at home
  double dinner_cooked;      // probability that dinner is cooked on the hob
  double lighting_scale;     // 0.7 (all LED, frugal) .. 1.3
  double dryer_share;        // share of washes followed by the tumble dryer
  double evening_pc;         // probability of an evening at the computer
};

HouseholdTraits TraitsForSeed(uint64_t seed);

// Gives `steps` the steps of everything switched on during calendar day `day` (days since
// 1970-01-01). Every step lies at or after the day's first second; programmes started late may
// end after midnight. The base load is not included (it never steps).
void PlanDay(const HouseholdTraits& traits, uint64_t seed, int64_t day, StepSink& steps);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_HOUSEHOLD_PLAN_H_
