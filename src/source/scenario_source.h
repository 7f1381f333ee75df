// ScenarioSource: what every built-in scenario (docs/scenarios.md) shares: 1 s records of
// loads on the mains of a GridModel, made of
//   - a base load per phase that never changes,
//   - a day-by-day plan of load steps walked by a StepCursor (appliances, programmes, lamps),
//   - optionally smooth loads stated every second (PV, an EV's charger, a heat pump's
//     compressor): powers, and currents drawn at a power factor (a charger holds its current
//     whatever the voltage).
// Each phase's stepped load fluctuates by ±0.4 % a second (P, Q and S together); the voltage
// sags with the phase's load through the supply impedance (rises with export).
//
// Determinism: a scenario's records are a pure function of its seed, its options and the meter
// time they cover, so any start sees the same meter at the same instant. Subclasses must keep
// that: their plan and smooth loads may depend on the seed, options and the second only (caches
// are fine).
//
// Cost (docs/performance.md): records are made in runs between grid ticks and load steps.
// Without smooth loads ~9 ns per record (no √, the √ of S is taken when a step changes a phase);
// with them two √ and a division per phase and record plus the subclass's own work, ~40 ns.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_SCENARIO_SOURCE_H_
#define PRO380_SOURCE_SCENARIO_SOURCE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"
#include "base/time.h"
#include "metering/interval.h"
#include "source/grid_model.h"
#include "source/household_plan.h"
#include "source/record_source.h"
#include "source/step_cursor.h"

namespace pro380::source {

inline constexpr Duration kScenarioStep = std::chrono::seconds(1);

// Loads a scenario states at one second beside its steps.
struct SmoothLoads {
  std::array<double, 3> active_w{};  // power loads, export negative
  std::array<double, 3> reactive_var{};
  std::array<double, 3> current_a{};  // loads drawing a set current at cos φ / sin φ below
  double cos_phi = 1;
  double sin_phi = 0;  // > 0 inductive
};

class ScenarioSource : public RecordSource {
 public:
  // Never ends and never fails: fills all of `out`.
  Result<std::size_t> Read(std::span<metering::Interval> out) final;

 protected:
  // The first record starts at `start`, read as local clock time (docs/scenarios.md). `smooth`:
  // whether SmoothAt is called (else the faster path without it).
  ScenarioSource(TimePoint start, uint64_t seed, bool smooth);

  // Called before the first record (constructors of subclasses have run by then).
  void SetBaseLoad(int phase, int32_t active_mw, int32_t reactive_mvar);

  // The steps of everything switched on during calendar day `day`; none by default. The same
  // contract as StepCursor's plan: a pure function of the day.
  virtual void PlanDay(int64_t day, StepSink& steps) const;
  // The smooth loads at `second` (whole seconds in increasing order; `loads` is zeroed first).
  virtual void SmoothAt(int64_t second, SmoothLoads& loads);

  uint64_t seed() const { return seed_; }

 private:
  void Start(int64_t second);
  void ApplySteps(int64_t second);
  // The records of the seconds from `first` on, all before the next grid tick and load step.
  void GenerateSteppedRun(int64_t first, std::span<metering::Interval> records) const;
  // The same with smooth loads.
  void GenerateSmoothRun(int64_t first, std::span<metering::Interval> records);
  auto Plan() const {
    return [this](int64_t day, StepSink& steps) { PlanDay(day, steps); };
  }

  uint64_t seed_;
  uint64_t noise_key_;
  int64_t second_;  // profile second of the next record
  bool smooth_;
  bool started_ = false;
  GridModel grid_;
  StepCursor steps_;
  PhaseLoads loads_;  // base load plus the steps applied
  // The sums above in W and var, their apparent power, and that signed like the active power.
  std::array<double, 3> load_w_{}, load_var_{}, load_va_{}, signed_va_{};
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_SCENARIO_SOURCE_H_
