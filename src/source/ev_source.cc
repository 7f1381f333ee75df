#include "source/ev_source.h"

#include <algorithm>
#include <cmath>

#include "source/climate.h"
#include "source/grid_model.h"
#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER (see household_plan.cc, grid_model.cc, pv_source.cc).
constexpr uint64_t kEvTraitsStream = 50;
constexpr uint64_t kEvSessionStream = 51;

constexpr double kHour = 3600;
// Grid to battery (onboard charger, cables, the battery's own losses).
constexpr double kChargeEfficiency = 0.9;
// Constant current up to this state of charge, then the current decays ...
constexpr double kTaperSoc = 0.85;
// ... until it falls to this share of the full current; the car then stops.
constexpr double kTaperEndShare = 0.1;
// Onboard chargers with power-factor correction: cos φ 0.99, slightly capacitive.
constexpr double kChargerCosPhi = 0.99;

}  // namespace

EvTraits EvTraitsForSeed(uint64_t seed) {
  SplitMix64 rng(StreamKey(seed, kEvTraitsStream));
  EvTraits t{};
  t.charger_phases = rng.Chance(0.7) ? 3 : 1;
  t.charger_a = rng.Chance(t.charger_phases == 3 ? 0.2 : 0.15) ? 32 : 16;
  t.draw_below_a = rng.Uniform(0.2, 0.6);
  t.battery_kwh = std::round(rng.Uniform(40, 90));
  t.weekday_chance = rng.Uniform(0.3, 0.8);
  t.weekend_chance = rng.Uniform(0.15, 0.5);
  t.full_target = rng.Chance(0.5) ? 0.8 : 1.0;
  t.daily_kwh = rng.Uniform(4, 11);
  return t;
}

EvSource::EvSource(TimePoint start, uint64_t seed, WallboxOptions wallbox)
    : ScenarioSource(start, seed, /*smooth=*/true),
      traits_(EvTraitsForSeed(seed)),
      phases_(std::min(traits_.charger_phases, wallbox.phases)),
      current_a_(std::min(traits_.charger_a, wallbox.limit_a) - traits_.draw_below_a),
      session_key_(StreamKey(seed, kEvSessionStream)) {
  // The wallbox's own electronics (controller, contactor coil, display): a few watts on L1.
  SetBaseLoad(0, 4'500, -2'000);
}

bool EvSource::PlugsInOn(int64_t day, SplitMix64& rng) const {
  const CalendarDay calendar = DescribeCalendarDay(day);
  return rng.Chance(calendar.weekend ? traits_.weekend_chance : traits_.weekday_chance);
}

EvSession EvSource::SessionOfDay(int64_t day) const {
  const CalendarDay calendar = DescribeCalendarDay(day);
  SplitMix64 rng(HashAt(session_key_, static_cast<uint64_t>(day)));
  EvSession s;
  if (!PlugsInOn(day, rng)) return s;
  const double day_start = static_cast<double>(day * kSecondsPerDay);
  // Weekends: back from an outing; weekdays: back from work, Fridays often later.
  const double arrival = calendar.weekend
                             ? rng.Uniform(11, 18) * kHour
                             : rng.Uniform(16.5, calendar.weekday == 5 ? 21 : 19.5) * kHour;
  const double departure = kSecondsPerDay + (rng.Uniform(6.5, 9.5) * kHour);
  // The car comes back with what the days since its last session used (a week at most).
  int days_driven = 1;
  while (days_driven < 7) {
    SplitMix64 earlier(HashAt(session_key_, static_cast<uint64_t>(day - days_driven)));
    if (PlugsInOn(day - days_driven, earlier)) break;
    ++days_driven;
  }
  const double used_kwh = traits_.daily_kwh * days_driven * rng.Uniform(0.6, 1.4);
  const double arrival_soc = std::max(0.1, traits_.full_target - used_kwh / traits_.battery_kwh);
  s.exists = true;
  const double watts = phases_ * metering::kNominalVoltage * current_a_;
  const double bulk_soc = std::min(traits_.full_target, kTaperSoc);
  const double bulk_seconds =
      (bulk_soc - arrival_soc) * traits_.battery_kwh * 3.6e6 / (watts * kChargeEfficiency);
  // The taper's energy (to 100 %) is the integral of the decaying power down to kTaperEndShare.
  const double taper_joules =
      traits_.full_target > kTaperSoc
          ? (traits_.full_target - kTaperSoc) * traits_.battery_kwh * 3.6e6 / kChargeEfficiency
          : 0;
  s.taper_seconds = std::max(1.0, taper_joules / (watts * (1 - kTaperEndShare)));
  s.arrival = static_cast<int64_t>(day_start + arrival);
  s.departure = static_cast<int64_t>(day_start + departure);
  s.taper_start = s.arrival + static_cast<int64_t>(bulk_seconds);
  const double taper_length = taper_joules > 0 ? s.taper_seconds * std::log(1 / kTaperEndShare) : 0;
  s.end = std::min(s.departure, s.taper_start + static_cast<int64_t>(taper_length));
  return s;
}

double EvSource::CurrentAt(const EvSession& session, int64_t second) const {
  if (!session.exists || second < session.arrival || second >= session.end) return 0;
  if (second < session.taper_start) return current_a_;
  return current_a_ *
         std::exp(-static_cast<double>(second - session.taper_start) / session.taper_seconds);
}

void EvSource::SmoothAt(int64_t second, SmoothLoads& loads) {
  const int64_t day = FloorDiv(second, kSecondsPerDay);
  if (!have_sessions_ || day != sessions_day_) {
    yesterday_ = have_sessions_ && day == sessions_day_ + 1 ? today_ : SessionOfDay(day - 1);
    today_ = SessionOfDay(day);
    sessions_day_ = day;
    have_sessions_ = true;
  }
  // Sessions never overlap: the car leaves by 09:30 and comes back at 11:00 at the earliest.
  const double amps = CurrentAt(yesterday_, second) + CurrentAt(today_, second);
  if (amps <= 0) return;
  loads.cos_phi = kChargerCosPhi;
  loads.sin_phi = -std::sqrt(1 - kChargerCosPhi * kChargerCosPhi);
  for (int k = 0; k < phases_; ++k) loads.current_a[k] = amps;
}

}  // namespace pro380::source
