#include "source/office_source.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "source/climate.h"
#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER (see household_plan.cc, grid_model.cc,
// pv_source.cc, ev_source.cc, heat_pump_source.cc).
constexpr uint64_t kOfficeTraitsStream = 70;
constexpr uint64_t kOfficeDayStream = 71;

constexpr double kMinute = 60;
constexpr double kHour = 3600;
constexpr int kZones = 4;
// The IT base load's share of each phase.
constexpr double kBaseShare[3] = {0.4, 0.3, 0.3};

// Appends on/off steps of day `day` (times in seconds after its midnight).
class Steps {
 public:
  Steps(int64_t day, StepSink& steps) : start_(day * kSecondsPerDay), steps_(steps) {}

  void On(int phase, double from, double to, double watts, double vars) {
    const int64_t begin = start_ + std::max<int64_t>(0, RoundHalfAway(from));
    const int64_t end = std::max<int64_t>(start_ + RoundHalfAway(to), begin + 1);
    if (!steps_.Wants(begin) && !steps_.Wants(end)) return;
    const auto mw = static_cast<int32_t>(RoundHalfAway(watts * 1000));
    const auto mvar = static_cast<int32_t>(RoundHalfAway(vars * 1000));
    steps_.Add({begin, phase, mw, mvar});
    steps_.Add({end, phase, -mw, -mvar});
  }
  // Split evenly over the three phases (three-phase equipment).
  void OnAll(double from, double to, double watts, double vars) {
    for (int k = 0; k < 3; ++k) On(k, from, to, watts / 3, vars / 3);
  }

 private:
  int64_t start_;
  StepSink& steps_;
};

// PCs and screens with power supplies that correct their power factor: slightly capacitive.
constexpr double kItVarPerW = -0.15;
// Fans and compressors: motors.
constexpr double kMotorVarPerW = 0.75;

void PlanWorkday(Steps& b, const OfficeTraits& t, const CalendarDay& day, SplitMix64& rng) {
  const double season = std::cos(2 * std::numbers::pi * (day.day_of_year - 196) / 365.25);
  std::array<double, kZones> zone_on{}, zone_off{};
  zone_on.fill(24 * kHour);
  for (int person = 0; person < t.workplaces; ++person) {
    if (!rng.Chance(t.attendance)) continue;
    const double arrive = rng.Uniform(7.25, 9.5) * kHour;
    const double leave = arrive + rng.Uniform(7.5, 9.5) * kHour;
    const double lunch = rng.Uniform(11.75, 13.25) * kHour;
    const int phase = person % 3;
    const double watts = t.pc_w * rng.Uniform(0.8, 1.2);
    b.On(phase, arrive, lunch, watts, kItVarPerW * watts);
    b.On(phase, lunch, lunch + rng.Uniform(30, 60) * kMinute, 0.35 * watts,
         kItVarPerW * 0.35 * watts);  // screens asleep
    b.On(phase, lunch + 45 * kMinute, leave, watts, kItVarPerW * watts);
    const int zone = person % kZones;
    zone_on[zone] = std::min(zone_on[zone], arrive);
    zone_off[zone] = std::max(zone_off[zone], leave + rng.Uniform(0, 15) * kMinute);
    if (rng.Chance(0.6)) {  // coffee
      const double at = rng.Uniform(arrive, arrive + 2 * kHour);
      b.On(0, at, at + rng.Uniform(40, 80), 1400, 0);
    }
  }
  // Lighting by zone, fully on in the dark seasons, a third of it in summer daylight.
  const double lamp_var_per_w = t.fluorescent ? 0.48 : -0.2;
  for (int zone = 0; zone < kZones; ++zone) {
    if (zone_off[zone] <= zone_on[zone]) continue;
    const double watts = t.lighting_w * (season > 0.3 ? 0.35 : 1.0);
    b.On(zone % 3, zone_on[zone], zone_off[zone], watts, lamp_var_per_w * watts);
  }
  // Ventilation through working hours; cooling compressors cycling in the warm half year.
  b.OnAll(7 * kHour, 18.5 * kHour, t.hvac_w, kMotorVarPerW * t.hvac_w);
  if (season > 0) {
    const double duty = 0.25 + 0.5 * season;
    for (double at = 9 * kHour; at < 18 * kHour; at += 20 * kMinute) {
      const double on = 20 * kMinute * duty * rng.Uniform(0.8, 1.2);
      b.OnAll(at, at + std::min(on, 20 * kMinute - 30), t.cooling_w, kMotorVarPerW * t.cooling_w);
    }
  }
  // Dishwasher after lunch (L2) and the printer/copier through the day (L3).
  b.On(1, 14 * kHour, 14 * kHour + rng.Uniform(80, 120) * kMinute, 2000, 0);
  const int copies = static_cast<int>(rng.UniformInt(5, 20));
  for (int i = 0; i < copies; ++i) {
    const double at = rng.Uniform(8.5, 17.5) * kHour;
    b.On(2, at, at + rng.Uniform(30, 300), 1100, 150);
  }
}

void PlanWeekend(Steps& b, const OfficeTraits& t, SplitMix64& rng) {
  if (!rng.Chance(0.2)) return;  // somebody catches up on work
  const double arrive = rng.Uniform(9, 14) * kHour;
  const double leave = arrive + rng.Uniform(2, 5) * kHour;
  b.On(0, arrive, leave, t.pc_w, kItVarPerW * t.pc_w);
  b.On(1, arrive, leave, t.lighting_w, (t.fluorescent ? 0.48 : -0.2) * t.lighting_w);
}

}  // namespace

OfficeTraits OfficeTraitsForSeed(uint64_t seed) {
  SplitMix64 rng(StreamKey(seed, kOfficeTraitsStream));
  OfficeTraits t{};
  t.workplaces = static_cast<int>(rng.UniformInt(8, 60));
  t.attendance = rng.Uniform(0.6, 0.9);
  t.it_base_w = t.workplaces * rng.Uniform(25, 45);
  t.pc_w = rng.Uniform(60, 140);
  t.fluorescent = rng.Chance(0.4);
  t.lighting_w = t.workplaces * 12 * rng.Uniform(6, 10) / kZones;
  t.hvac_w = t.workplaces * rng.Uniform(25, 45);
  t.cooling_w = t.workplaces * rng.Uniform(120, 200);
  return t;
}

OfficeSource::OfficeSource(TimePoint start, uint64_t seed)
    : ScenarioSource(start, seed, /*smooth=*/false), traits_(OfficeTraitsForSeed(seed)) {
  // IT and always-on loads spread over the phases: servers and network (capacitive PFC power
  // supplies), the server room's cooling and fridges (motors): overall slightly inductive.
  for (int k = 0; k < 3; ++k) {
    const double watts = kBaseShare[k] * traits_.it_base_w;
    SetBaseLoad(k, static_cast<int32_t>(std::lround(watts * 1000)),
                static_cast<int32_t>(std::lround(0.4 * watts * 1000)));
  }
}

void OfficeSource::PlanDay(int64_t day, StepSink& steps) const {
  const CalendarDay calendar = DescribeCalendarDay(day);
  SplitMix64 rng(HashAt(StreamKey(seed(), kOfficeDayStream), static_cast<uint64_t>(day)));
  Steps b(day, steps);
  if (calendar.weekend) {
    PlanWeekend(b, traits_, rng);
  } else {
    PlanWorkday(b, traits_, calendar, rng);
  }
}

}  // namespace pro380::source
