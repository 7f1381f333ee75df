#include "source/heat_pump_source.h"

#include <algorithm>
#include <cmath>

#include "source/climate.h"
#include "source/grid_model.h"
#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER (see household_plan.cc, grid_model.cc,
// pv_source.cc, ev_source.cc).
constexpr uint64_t kHeatPumpTraitsStream = 60;
constexpr uint64_t kHeatPumpWeatherStream = 61;
constexpr uint64_t kHeatPumpDefrostStream = 62;

constexpr double kIndoorC = 20;
constexpr double kDesignOutdoorC = -12;
constexpr double kHeatingLimitC = 15;  // no space heating above this outdoor temperature
// Night setback 22:00–05:00: the house may cool a little.
constexpr double kSetbackShare = 0.8;
// Hot water at 50 °C: a lower COP than space heating at 35 °C.
constexpr double kHotWaterCopFactor = 0.75;

// COP by outdoor temperature: +0.1 a kelvin around A2, within 1.6..5.5.
double Cop(const HeatPumpTraits& t, double outdoor_c) {
  return std::clamp(t.cop_at_2c + 0.1 * (outdoor_c - 2), 1.6, 5.5);
}

}  // namespace

HeatPumpTraits HeatPumpTraitsForSeed(uint64_t seed) {
  SplitMix64 rng(StreamKey(seed, kHeatPumpTraitsStream));
  HeatPumpTraits t{};
  t.design_heat_kw = rng.Uniform(4, 10);
  t.cop_at_2c = rng.Uniform(3.2, 4.0);
  t.min_modulation = rng.Uniform(0.3, 0.4);
  t.cycle_seconds = rng.UniformInt(25, 40) * 60;
  t.cos_phi = rng.Uniform(0.90, 0.95);
  t.hot_water_hour[0] = rng.Uniform(4.5, 6.5);
  t.hot_water_hour[1] = rng.Chance(0.6) ? rng.Uniform(15, 19) : -1;
  t.hot_water_minutes = rng.Uniform(40, 75);
  t.single_phase = t.design_heat_kw <= 6.5 && rng.Chance(0.5);
  return t;
}

HeatPumpSource::HeatPumpSource(TimePoint start, uint64_t seed)
    : ScenarioSource(start, seed, /*smooth=*/true),
      traits_(HeatPumpTraitsForSeed(seed)),
      weather_key_(StreamKey(seed, kHeatPumpWeatherStream)),
      defrost_key_(StreamKey(seed, kHeatPumpDefrostStream)) {
  // Controller and the outdoor unit's crankcase heater: ~12 W on L1, electronics capacitive.
  SetBaseLoad(0, 12'000, -4'000);
}

double HeatPumpSource::OutdoorAt(int64_t second) const {
  return OutdoorTemperature(weather_key_, second);
}

bool HeatPumpSource::HotWaterAt(int64_t second) const {
  const int64_t day = FloorDiv(second, kSecondsPerDay);
  const double hour = static_cast<double>(second - day * kSecondsPerDay) / 3600;
  for (double start : traits_.hot_water_hour) {
    if (start >= 0 && hour >= start && hour < start + traits_.hot_water_minutes / 60) return true;
  }
  return false;
}

// Cycle n covers [n·T, (n+1)·T) of meter time; its plan is set from the outdoor temperature at
// its start, so the pattern is the same for every start time.
double HeatPumpSource::CompressorWatts(int64_t cycle, int64_t into) {
  if (!have_cycle_ || cycle != cycle_) {
    const int64_t start = cycle * traits_.cycle_seconds;
    const double outdoor = OutdoorAt(start);
    const int64_t day = FloorDiv(start, kSecondsPerDay);
    const double hour = static_cast<double>(start - day * kSecondsPerDay) / 3600;
    const double setback = hour >= 22 || hour < 5 ? kSetbackShare : 1.0;
    const double full_heat_kw = traits_.design_heat_kw * 1.1;
    const double demand_kw =
        outdoor < kHeatingLimitC
            ? traits_.design_heat_kw * (kIndoorC - outdoor) / (kIndoorC - kDesignOutdoorC) * setback
            : 0;
    const double share = std::min(1.0, demand_kw / full_heat_kw);
    const double cop = Cop(traits_, outdoor);
    const auto period = static_cast<double>(traits_.cycle_seconds);
    heating_season_ = demand_kw > 0;
    if (share >= traits_.min_modulation) {  // modulating: runs through the cycle
      on_watts_ = share * full_heat_kw * 1000 / cop;
      on_seconds_ = traits_.cycle_seconds;
    } else {  // on at the minimum for the share of the cycle that meets the demand
      on_watts_ = traits_.min_modulation * full_heat_kw * 1000 / cop;
      on_seconds_ = static_cast<int64_t>(period * share / traits_.min_modulation);
    }
    // Frost on the evaporator between −7 and +5 °C (damp air): every other cycle or so starts
    // with a 4–8 min reverse cycle.
    const uint64_t bits = HashAt(defrost_key_, static_cast<uint64_t>(cycle));
    const bool frosty = outdoor > -7 && outdoor < 5 && on_seconds_ > 600 && ToUnit(bits) < 0.55;
    defrost_seconds_ = frosty ? static_cast<int64_t>(240 + 240 * ToUnit(Mix64(bits))) : 0;
    cycle_ = cycle;
    have_cycle_ = true;
  }
  if (into >= on_seconds_) return 0;
  // Defrosting: the compressor runs reversed at about 60 % power, the fan stands still.
  return into < defrost_seconds_ ? 0.6 * on_watts_ : on_watts_;
}

void HeatPumpSource::SmoothAt(int64_t second, SmoothLoads& loads) {
  const int64_t cycle = FloorDiv(second, traits_.cycle_seconds);
  double watts = CompressorWatts(cycle, second - cycle * traits_.cycle_seconds);
  if (HotWaterAt(second)) {  // hot water has priority: full power at the hot-water COP
    watts = traits_.design_heat_kw * 1.1 * 1000 /
            (Cop(traits_, OutdoorAt(cycle * traits_.cycle_seconds)) * kHotWaterCopFactor);
  }
  const double tan_phi = std::sqrt(1 - traits_.cos_phi * traits_.cos_phi) / traits_.cos_phi;
  for (int k = 0; k < 3; ++k) {
    if (traits_.single_phase && k > 0) break;
    const double share = traits_.single_phase ? watts : watts / 3;
    loads.active_w[k] = share;
    loads.reactive_var[k] = share * tan_phi;
  }
  // The heating circulation pump (motor, Q ≈ 0.8 P) in the heating season.
  if (heating_season_) {
    loads.active_w[0] += 45;
    loads.reactive_var[0] += 36;
  }
}

}  // namespace pro380::source
