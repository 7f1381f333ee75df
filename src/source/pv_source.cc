#include "source/pv_source.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "source/climate.h"
#include "source/grid_model.h"
#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER (1..4, 10..12, 20, 30: household and grid).
constexpr uint64_t kPvTraitsStream = 40;
constexpr uint64_t kPvWeatherStream = 41;

// The German grid code (VDE-AR-N 4105) allows single-phase inverters up to 4.6 kVA.
constexpr double kSinglePhaseLimitKw = 4.6;
// Below this sine of the elevation (about 1.1°) the inverter stays off: a minute's
// interpolation then never exports while the sun is below the horizon.
constexpr double kInverterStartSine = 0.02;

// Between two knots of `key` every `spacing` seconds, values from `knot(bits)`.
template <class Knot>
double Interpolate(uint64_t key, int64_t second, int64_t spacing, const Knot& knot) {
  const int64_t index = FloorDiv(second, spacing);
  const double a = knot(HashAt(key, static_cast<uint64_t>(index)));
  const double b = knot(HashAt(key, static_cast<uint64_t>(index + 1)));
  return a + (b - a) * static_cast<double>(second - index * spacing) / static_cast<double>(spacing);
}

}  // namespace

PvTraits PvTraitsForSeed(uint64_t seed) {
  SplitMix64 rng(StreamKey(seed, kPvTraitsStream));
  PvTraits t{};
  t.peak_kw = std::round(rng.Uniform(3, 12) * 10) / 10;
  t.inverter_kw = std::max(1.5, t.peak_kw * rng.Uniform(0.85, 1.0));
  t.performance = rng.Uniform(0.75, 0.85);
  const bool single = t.inverter_kw <= kSinglePhaseLimitKw && rng.Chance(0.7);
  t.phase = single ? static_cast<int>(rng.UniformInt(0, 2)) : -1;
  t.cos_phi_curve = !single && rng.Chance(0.5);
  return t;
}

PvSource::PvSource(TimePoint start, uint64_t seed)
    : HouseholdSource(start, seed, /*smooth=*/true),
      pv_(PvTraitsForSeed(seed)),
      weather_key_(StreamKey(seed, kPvWeatherStream)) {}

double PvSource::CloudFactor(int64_t second, double season) const {
  const int64_t day = FloorDiv(second, kSecondsPerDay);
  const uint64_t day_key = HashAt(weather_key_, static_cast<uint64_t>(day));
  const double kind = ToUnit(day_key);
  // Clear days: 10 % in winter, 40 % in summer; overcast: 55 % in winter, 15 % in summer.
  const double clear = 0.25 + 0.15 * season;
  const double overcast = 0.35 - 0.2 * season;
  if (kind < clear) {
    return Interpolate(day_key, second, 3600, [](uint64_t b) { return 0.96 + 0.04 * ToUnit(b); });
  }
  if (kind < clear + overcast) {  // diffuse light only
    return Interpolate(day_key, second, 1800, [](uint64_t b) { return 0.12 + 0.2 * ToUnit(b); });
  }
  // Mixed: cumulus passing every few minutes, covering the sun a share of the day's knots;
  // at a cloud's edge the panel sees a little more than clear sky.
  const double cover = 0.2 + 0.6 * ToUnit(Mix64(day_key));
  return Interpolate(day_key ^ 0xC10D, second, 180, [cover](uint64_t b) {
    return ToUnit(b) < cover ? 0.2 + 0.2 * ToUnit(Mix64(b)) : 1.0 + 0.05 * ToUnit(Mix64(b));
  });
}

double PvSource::PvPowerAt(int64_t second) const {
  const int64_t day = FloorDiv(second, kSecondsPerDay);
  const CalendarDay calendar = DescribeCalendarDay(day);
  const SunPosition sun = SunAt(calendar, static_cast<double>(second - day * kSecondsPerDay));
  if (sun.sine_elevation < kInverterStartSine) return 0;
  const double season = std::cos(2 * std::numbers::pi * (calendar.day_of_year - 172) / 365.25);
  const double irradiance = ClearSkyPanelIrradiance(sun) * CloudFactor(second, season);
  const double dc_kw = pv_.peak_kw * irradiance / 1000 * pv_.performance;
  return std::min(dc_kw, pv_.inverter_kw) * 1000;
}

void PvSource::SmoothAt(int64_t second, SmoothLoads& loads) {
  const int64_t minute = FloorDiv(second, 60);
  if (!have_minute_ || minute != minute_) {
    pv_start_w_ = have_minute_ && minute == minute_ + 1 ? pv_end_w_ : PvPowerAt(minute * 60);
    pv_end_w_ = PvPowerAt(minute * 60 + 60);
    minute_ = minute;
    have_minute_ = true;
  }
  const double watts =
      pv_start_w_ + (pv_end_w_ - pv_start_w_) * static_cast<double>(second - minute * 60) / 60;
  if (watts <= 0) return;
  // cos φ(P): 1 up to half the inverter's power, then down to 0.95 underexcited at full power;
  // the inverter then takes reactive power, which the meter sees as inductive (Q > 0).
  double tan_phi = 0;
  if (pv_.cos_phi_curve) {
    const double share = watts / (pv_.inverter_kw * 1000);
    const double cos_phi = share <= 0.5 ? 1.0 : 1.0 - 0.1 * (share - 0.5);
    tan_phi = std::sqrt(1 - cos_phi * cos_phi) / cos_phi;
  }
  for (int k = 0; k < 3; ++k) {
    if (pv_.phase >= 0 && k != pv_.phase) continue;
    const double share = pv_.phase >= 0 ? watts : watts / 3;
    loads.active_w[k] = -share;
    loads.reactive_var[k] = share * tan_phi;
  }
}

}  // namespace pro380::source
