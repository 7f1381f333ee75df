#include "source/household_plan.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

#include "source/random.h"

namespace pro380::source {
namespace {

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr int kL1 = 0, kL2 = 1, kL3 = 2;

// Random streams of a seed. DO NOT RENUMBER: every scenario's numbers depend on them.
constexpr uint64_t kTraitsStream = 1;
constexpr uint64_t kDayStream = 2;
constexpr uint64_t kFridgeStream = 3;
constexpr uint64_t kFreezerStream = 4;

// Appends the steps of one day; times are seconds after the day's midnight (may pass 86 400).
class DayBuilder {
 public:
  DayBuilder(int64_t day, StepSink& steps) : day_start_(day * kSecondsPerDay), steps_(steps) {}

  // A load of `watts`/`vars` on `phase` from `from` to `to` (at least one second long).
  void On(int phase, double from, double to, double watts, double vars) {
    const int64_t begin = Second(from);
    const int64_t end = std::max(Second(to), begin + 1);
    if (!steps_.Wants(begin) && !steps_.Wants(end)) return;
    const auto mw = static_cast<int32_t>(RoundHalfAway(watts * 1000));
    const auto mvar = static_cast<int32_t>(RoundHalfAway(vars * 1000));
    steps_.Add({begin, phase, mw, mvar});
    steps_.Add({end, phase, -mw, -mvar});
  }

  // A thermostat or programme that switches a load on for `duty` of every `period`.
  void Cycling(int phase, double from, double to, double watts, double vars, double period,
               double duty) {
    // Every step lies in [Second(from), Second(to) + 1]: nothing to do if the sink wants none.
    if (!steps_.Overlaps(Second(from), Second(to) + 1)) return;
    for (double t = from; t < to; t += period) {
      On(phase, t, std::min(t + duty * period, to), watts, vars);
    }
  }

  // A motor that starts with about three times its running current for one second.
  void Motor(int phase, double from, double to, double watts, double vars) {
    On(phase, from, to, watts, vars);
    On(phase, from, from + 1, 2 * watts, 3 * vars);
  }

 private:
  int64_t Second(double t) const { return day_start_ + std::max<int64_t>(0, RoundHalfAway(t)); }

  int64_t day_start_;
  StepSink& steps_;
};

struct Day {
  int64_t index;
  int weekday;     // 0 = Sunday .. 6 = Saturday
  double season;   // +1 at midsummer (21 June), -1 at midwinter
  double sunrise;  // seconds after midnight
  double sunset;
  bool weekend;
};

Day DescribeDay(int64_t index) {
  using namespace std::chrono;
  const sys_days date{days{index}};
  const year_month_day ymd{date};
  const auto day_of_year = (date - sys_days{ymd.year() / January / 1}).count();
  Day d{};
  d.index = index;
  d.weekday = static_cast<int>(weekday{date}.c_encoding());
  d.weekend = d.weekday == 0 || d.weekday == 6;
  d.season = std::cos(2 * std::numbers::pi * (static_cast<double>(day_of_year) - 171) / 365.25);
  // Local clock times at about 50° N (summer time in summer): 05:15 / 21:30 in June,
  // 08:15 / 16:15 in December.
  d.sunrise = (6.75 - 1.5 * d.season) * kHour;
  d.sunset = (18.85 + 2.65 * d.season) * kHour;
  return d;
}

// Compressor cycles whose period starts within the day. Cycle n of the appliance covers
// [n·T, (n+1)·T) of meter time, so the pattern is the same for every start time.
void PlanCompressor(int phase, int32_t watts_mw, int64_t period_s, double duty, uint64_t stream_key,
                    const Day& day, StepSink& steps) {
  const int64_t day_start = day.index * kSecondsPerDay;
  const int64_t first = (day_start + period_s - 1) / period_s;
  const double watts = watts_mw * 1e-3;
  // Warmer kitchens in summer: ±15 % running time.
  const double seasonal_duty = duty * (1 + 0.15 * day.season);
  for (int64_t n = first; n * period_s < day_start + kSecondsPerDay; ++n) {
    // Cycle n's steps lie in [n·T, (n+1)·T + 1] (the start current's second at most one past).
    if (!steps.Overlaps(n * period_s, (n + 1) * period_s + 1)) continue;
    const uint64_t bits = HashAt(stream_key, static_cast<uint64_t>(n));
    const double on = static_cast<double>(period_s) * seasonal_duty * (0.85 + 0.3 * ToUnit(bits));
    const double offset = (static_cast<double>(period_s) - on) * 0.5 * ToUnit(Mix64(bits));
    const double from = static_cast<double>(n * period_s - day_start) + offset;
    DayBuilder(day.index, steps).Motor(phase, from, from + on, watts, 0.8 * watts);
  }
}

// When the household is up, out and asleep (seconds after midnight).
struct Occupancy {
  double wake;
  double leave;  // < 0: someone is home all day
  double back;
  double bed;  // may be after midnight
};

Occupancy PlanOccupancy(const HouseholdTraits& t, const Day& day, SplitMix64& rng) {
  Occupancy o{};
  o.wake = day.weekend ? rng.Uniform(7.5, 9.5) * kHour : rng.Uniform(5.8, 7.2) * kHour;
  const bool out = !day.weekend && !rng.Chance(t.home_office_share) && rng.Chance(0.93);
  o.leave = out ? o.wake + rng.Uniform(45, 80) * kMinute : -1;
  o.back = out ? rng.Uniform(16.25, 18.75) * kHour : o.wake;
  o.bed = day.weekend ? rng.Uniform(22.75, 24.75) * kHour : rng.Uniform(22.0, 23.6) * kHour;
  return o;
}

// LED lamps: slightly capacitive.
void Lamp(DayBuilder& b, const HouseholdTraits& t, int phase, double from, double to,
          double watts) {
  if (to > from) b.On(phase, from, to, watts * t.lighting_scale, -0.25 * watts * t.lighting_scale);
}

void Kettle(DayBuilder& b, const HouseholdTraits& t, SplitMix64& rng, double at) {
  b.On(kL1, at, at + rng.Uniform(100, 210), t.kettle_mw * 1e-3, 0);
}

// A cooking session on the three-phase hob: one to three zones (one per phase), each boiling at
// full power and then simmering under its power controller. Returns the end of the session.
double Hob(DayBuilder& b, SplitMix64& rng, double from, double minutes) {
  static constexpr double kZoneWatts[3] = {2000, 1800, 1400};
  const double r = rng.Uniform(0, 1);
  const int zones = r < 0.25 ? 1 : r < 0.75 ? 2 : 3;
  const int first = static_cast<int>(rng.UniformInt(0, 2));
  double end = from;
  for (int z = 0; z < zones; ++z) {
    const int phase = (first + z) % 3;
    const double watts = kZoneWatts[phase];
    const double start = from + rng.Uniform(0, 5) * kMinute;
    const double boil_end = start + rng.Uniform(3, 7) * kMinute;
    const double stop = start + minutes * kMinute * rng.Uniform(0.6, 1.0);
    b.On(phase, start, boil_end, watts, 0.05 * watts);
    b.Cycling(phase, boil_end, stop, watts, 0.05 * watts, 40, rng.Uniform(0.3, 0.65));
    end = std::max(end, stop);
  }
  return end;
}

void Oven(DayBuilder& b, SplitMix64& rng, double from) {
  const double preheat_end = from + rng.Uniform(9, 13) * kMinute;
  b.On(kL2, from, preheat_end, 2400, 0);
  b.Cycling(kL2, preheat_end, preheat_end + rng.Uniform(25, 50) * kMinute, 2400, 0, 120, 0.42);
}

// A washing-machine programme on L2: heating while tumbling, washing, three rinses, spin.
void WashingMachine(DayBuilder& b, SplitMix64& rng, double from) {
  const double r = rng.Uniform(0, 1);
  const double heat_minutes = r < 0.35 ? 10 : r < 0.8 ? 16 : 28;  // 30 / 40 / 60 °C
  const double wash_end = from + rng.Uniform(55, 85) * kMinute;
  const double heat_start = from + 4 * kMinute;
  b.On(kL2, heat_start, heat_start + heat_minutes * kMinute, 2000, 0);
  b.Cycling(kL2, heat_start, wash_end, 150, 180, 45, 0.6);
  double t = wash_end;
  for (int rinse = 0; rinse < 3; ++rinse) {
    b.On(kL2, t, t + 90, 40, 30);
    b.Cycling(kL2, t + 90, t + 90 + 4 * kMinute, 150, 180, 45, 0.6);
    t += 90 + 4 * kMinute;
  }
  b.Motor(kL2, t, t + 2 * kMinute, 250, 200);
  b.Motor(kL2, t + 2 * kMinute, t + 9 * kMinute, 500, 350);
  b.On(kL2, from, t + 10 * kMinute, 5, -2);  // electronics
}

// A tumble dryer (no heat pump) on L1: heater under thermostat control and a drum motor.
void TumbleDryer(DayBuilder& b, SplitMix64& rng, double from) {
  const double end = from + rng.Uniform(80, 130) * kMinute;
  b.Motor(kL1, from, end, 200, 220);
  b.Cycling(kL1, from + kMinute, end - 10 * kMinute, 2300, 0, 180, 0.7);
}

// A dishwasher programme on L3: circulation pump throughout, heater in main wash and final rinse,
// then passive drying.
void Dishwasher(DayBuilder& b, SplitMix64& rng, double from) {
  const double length = rng.Uniform(120, 180) * kMinute;
  const double pump_end = from + length - 30 * kMinute;
  b.Motor(kL3, from, pump_end, 70, 50);
  b.On(kL3, from + 5 * kMinute, from + rng.Uniform(19, 25) * kMinute, 2000, 0);
  const double rinse = pump_end - 25 * kMinute;
  b.On(kL3, rinse, rinse + rng.Uniform(10, 14) * kMinute, 2000, 0);
  b.On(kL3, from, from + length, 3, -1);  // electronics
}

void PlanMorning(DayBuilder& b, const HouseholdTraits& t, const Day& day, const Occupancy& o,
                 SplitMix64& rng) {
  const double end = o.leave > 0 ? o.leave : o.wake + 90 * kMinute;
  const double dawn = day.sunrise + 20 * kMinute;
  Lamp(b, t, kL2, o.wake, std::min(end, dawn), 35);
  Lamp(b, t, kL3, o.wake, std::min(o.wake + rng.Uniform(20, 35) * kMinute, dawn), 20);
  if (rng.Chance(0.45)) {
    const double at = o.wake + rng.Uniform(10, 25) * kMinute;
    b.On(kL3, at, at + rng.Uniform(3, 6) * kMinute, 1600, 0);  // hair dryer
  }
  for (int cup = 0; cup < 2; ++cup) {
    if (rng.Chance(0.55)) {
      const double at = o.wake + rng.Uniform(3, 30) * kMinute;
      b.On(kL1, at, at + rng.Uniform(45, 70), 1350, 0);  // coffee machine
    }
  }
  if (rng.Chance(0.55)) Kettle(b, t, rng, o.wake + rng.Uniform(5, 20) * kMinute);
  if (rng.Chance(0.35)) {
    const double at = o.wake + rng.Uniform(5, 25) * kMinute;
    b.On(kL1, at, at + rng.Uniform(120, 180), 900, 0);  // toaster
  }
}

void PlanDaytime(DayBuilder& b, const HouseholdTraits& t, const Day& day, const Occupancy& o,
                 SplitMix64& rng) {
  const bool home = o.leave < 0;
  if (home && !day.weekend) {  // home office: computer and screens, lunch break
    const double lunch = rng.Uniform(12, 13) * kHour;
    b.On(kL3, 8.5 * kHour, lunch, 90, -25);
    b.On(kL3, lunch + 40 * kMinute, rng.Uniform(16.5, 18) * kHour, 90, -25);
  }
  if (home && rng.Chance(day.weekend ? 0.55 : 0.3)) {
    Hob(b, rng, rng.Uniform(11.75, 12.75) * kHour, rng.Uniform(15, 35));
  }
  if (home && rng.Chance(0.45)) Kettle(b, t, rng, rng.Uniform(14.5, 16.5) * kHour);
  if (day.weekend && rng.Chance(0.35)) {
    const double at = rng.Uniform(10, 16) * kHour;
    b.Motor(kL2, at, at + rng.Uniform(15, 30) * kMinute, 1100, 350);  // vacuum cleaner
  }
  const int misc = static_cast<int>(rng.UniformInt(0, 3));  // iron, printer, drill, chargers
  for (int i = 0; i < misc; ++i) {
    const double at = rng.Uniform(o.leave < 0 ? 9 : o.back / kHour, 21) * kHour;
    const double watts = rng.Uniform(40, 400);
    b.On(static_cast<int>(rng.UniformInt(0, 2)), at, at + rng.Uniform(5, 40) * kMinute, watts,
         0.3 * watts);
  }
}

void PlanEvening(DayBuilder& b, const HouseholdTraits& t, const Day& day, const Occupancy& o,
                 SplitMix64& rng) {
  const double dinner =
      o.leave > 0 ? o.back + rng.Uniform(15, 45) * kMinute : rng.Uniform(17.75, 19.25) * kHour;
  double dinner_end = dinner + 20 * kMinute;
  if (rng.Chance(t.dinner_cooked)) {
    dinner_end = Hob(b, rng, dinner, rng.Uniform(20, 45));
    if (rng.Chance(0.25)) Oven(b, rng, dinner - 10 * kMinute);
  }
  if (rng.Chance(0.3)) {
    b.On(kL1, dinner_end, dinner_end + rng.Uniform(120, 300), 1250, 450);  // microwave
  }
  if (rng.Chance(0.4)) Kettle(b, t, rng, dinner_end + rng.Uniform(60, 150) * kMinute);
  if (rng.Chance(0.8)) {
    b.On(kL3, dinner_end + rng.Uniform(10, 40) * kMinute, o.bed - rng.Uniform(5, 20) * kMinute,
         t.tv_mw * 1e-3, -0.2 * t.tv_mw * 1e-3);
  }
  if (rng.Chance(t.evening_pc)) {  // computer and screens
    const double at = dinner_end + rng.Uniform(0, 60) * kMinute;
    b.On(kL1, at, std::min(at + rng.Uniform(1, 3) * kHour, o.bed), 140, -30);
  }
  // Lighting from dusk (or coming home after dusk) to bedtime.
  const double dark = std::max(day.sunset - 20 * kMinute, o.back);
  Lamp(b, t, kL2, dark, o.bed, 55);
  Lamp(b, t, kL1, std::max(dark, dinner - 15 * kMinute), dinner_end + 30 * kMinute, 30);
  const int visits = static_cast<int>(rng.UniformInt(4, 8));
  for (int i = 0; i < visits && o.bed > dark; ++i) {
    const double at = rng.Uniform(dark, o.bed);
    Lamp(b, t, kL3, at, at + rng.Uniform(3, 10) * kMinute, 20);  // hall, bathroom
  }
  Lamp(b, t, kL3, std::max(dark, o.bed - 20 * kMinute), o.bed + rng.Uniform(5, 25) * kMinute, 15);
}

// Washing machine and dishwasher: about their weekly rates, more often on weekends.
void PlanProgrammes(DayBuilder& b, const HouseholdTraits& t, const Day& day, const Occupancy& o,
                    SplitMix64& rng) {
  const double weekly_factor = day.weekend ? 1.4 : 0.84;  // 2·1.4 + 5·0.84 = 7
  if (rng.Chance(t.washes_per_week / 7 * weekly_factor)) {
    const double latest = std::max(o.back + 30 * kMinute, o.bed - 2.5 * kHour);
    const double start = o.leave < 0 ? rng.Uniform(o.wake + kHour, 17 * kHour)
                                     : rng.Uniform(o.back + 20 * kMinute, latest);
    WashingMachine(b, rng, start);
    if (rng.Chance(t.dryer_share)) TumbleDryer(b, rng, start + 2.5 * kHour);
  }
  if (rng.Chance(t.dishwasher_runs_per_week / 7)) {
    const double start = rng.Chance(0.2) ? rng.Uniform(24, 26) * kHour  // delayed start at night
                                         : rng.Uniform(19.5, 22.5) * kHour;
    Dishwasher(b, rng, start);
  }
}

// The heating circulation pump runs in the heating season, slower at night.
void PlanHeatingPump(DayBuilder& b, const Day& day) {
  if (day.season > 0.2) return;
  b.On(kL1, 0, 5 * kHour, 10, 7);
  b.On(kL1, 5 * kHour, 22.5 * kHour, 30, 20);
  b.On(kL1, 22.5 * kHour, 24 * kHour, 10, 7);
}

}  // namespace

void PlanDay(const HouseholdTraits& traits, uint64_t seed, int64_t day_index, StepSink& steps) {
  const Day day = DescribeDay(day_index);
  SplitMix64 rng(HashAt(StreamKey(seed, kDayStream), static_cast<uint64_t>(day_index)));
  DayBuilder b(day_index, steps);
  const Occupancy o = PlanOccupancy(traits, day, rng);
  PlanMorning(b, traits, day, o, rng);
  PlanDaytime(b, traits, day, o, rng);
  PlanEvening(b, traits, day, o, rng);
  PlanProgrammes(b, traits, day, o, rng);
  PlanHeatingPump(b, day);
  PlanCompressor(kL1, traits.fridge_mw, traits.fridge_period_s, traits.fridge_duty,
                 StreamKey(seed, kFridgeStream), day, steps);
  PlanCompressor(kL2, traits.freezer_mw, traits.freezer_period_s, traits.freezer_duty,
                 StreamKey(seed, kFreezerStream), day, steps);
}

HouseholdTraits TraitsForSeed(uint64_t seed) {
  SplitMix64 rng(StreamKey(seed, kTraitsStream));
  HouseholdTraits t{};
  const double base[3] = {rng.Uniform(25, 45), rng.Uniform(20, 38), rng.Uniform(30, 55)};
  for (int k = 0; k < 3; ++k) {
    t.base_mw[k] = static_cast<int32_t>(std::lround(base[k] * 1000));
    t.base_mvar[k] = static_cast<int32_t>(std::lround(-0.3 * base[k] * 1000));
  }
  t.fridge_mw = static_cast<int32_t>(rng.UniformInt(65, 100) * 1000);
  t.freezer_mw = static_cast<int32_t>(rng.UniformInt(75, 120) * 1000);
  t.fridge_period_s = rng.UniformInt(38, 55) * 60;
  t.freezer_period_s = rng.UniformInt(48, 70) * 60;
  t.fridge_duty = rng.Uniform(0.28, 0.4);
  t.freezer_duty = rng.Uniform(0.3, 0.42);
  t.kettle_mw = static_cast<int32_t>(rng.UniformInt(1800, 2400) * 1000);
  t.tv_mw = static_cast<int32_t>(rng.UniformInt(70, 160) * 1000);
  t.washes_per_week = rng.Uniform(2, 5);
  t.dishwasher_runs_per_week = rng.Uniform(2.5, 6.5);
  t.home_office_share = rng.Uniform(0, 0.6);
  t.dinner_cooked = rng.Uniform(0.65, 0.95);
  t.lighting_scale = rng.Uniform(0.7, 1.3);
  t.dryer_share = rng.Chance(0.6) ? rng.Uniform(0.3, 0.9) : 0;  // not every household has one
  t.evening_pc = rng.Uniform(0.2, 0.8);
  return t;
}

}  // namespace pro380::source
