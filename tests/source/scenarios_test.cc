// The scenario library (docs/scenarios.md): sim:pv, sim:ev, sim:heat-pump, sim:office. Every
// scenario is deterministic per seed and meter time, stays within the meter's input limits and
// has the shape its model claims: PV exports only in daylight and more in June than in
// December, the EV never draws more than the wallbox offers and its sessions start and stop,
// the heat pump uses more in January than in July, the office more on weekdays 9–17 than at
// night and at weekends.
#include "source/scenarios.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "metering/input_limits.h"
#include "source/climate.h"
#include "source/ev_source.h"
#include "source/heat_pump_source.h"
#include "source/household_source.h"
#include "source/pv_source.h"

namespace pro380::source {
namespace {

using metering::Interval;
using std::chrono::days;
using std::chrono::seconds;

const TimePoint kNewYear{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};
constexpr std::size_t kDay = 86'400;
constexpr const char* kScenarios[] = {"sim:household",    "sim:pv",        "sim:ev",
                                      "sim:ev?limit=10A", "sim:heat-pump", "sim:office"};

std::vector<Interval> Generate(const std::string& spec, uint64_t seed, TimePoint start,
                               std::size_t count, std::size_t batch = 4096) {
  auto source = OpenScenario(spec, start, seed);
  EXPECT_TRUE(source.ok()) << spec;
  std::vector<Interval> records(count);
  for (std::size_t done = 0; done < count;) {
    const std::size_t n = std::min(batch, count - done);
    auto read = (*source)->Read(std::span<Interval>(records).subspan(done, n));
    EXPECT_TRUE(read.ok());
    done += n;
  }
  return records;
}

bool SameBytes(const Interval* a, const Interval* b, std::size_t count) {
  return std::memcmp(a, b, count * sizeof(Interval)) == 0;
}

double SumKwh(const std::vector<Interval>& records, bool exported) {
  double kwh = 0;
  for (const Interval& r : records) {
    for (const auto& ph : r.phase) {
      if ((ph.active_w < 0) == exported) kwh += std::abs(ph.active_w) / 3.6e6;
    }
  }
  return kwh;
}

TimePoint Date(int month, int day) {
  return TimePoint{std::chrono::sys_days{std::chrono::year{2026} / month / day}};
}

int64_t SecondOf(TimePoint t) {
  return std::chrono::duration_cast<seconds>(t.time_since_epoch()).count();
}

TEST(Scenarios, DeterministicPerSeedAndMeterTimeInAnyBatchSize) {
  for (const char* spec : kScenarios) {
    const TimePoint start = Date(3, 27);  // summer time begins on the 29th
    const auto a = Generate(spec, 11, start, 3 * kDay, 4096);
    const auto b = Generate(spec, 11, start, 3 * kDay, 999);
    EXPECT_TRUE(SameBytes(a.data(), b.data(), a.size())) << spec;
    const std::size_t offset = kDay + 13 * 3600 + 27 * 60 + 5;
    const auto late = Generate(spec, 11, start + seconds(offset), 3 * kDay - offset);
    EXPECT_TRUE(SameBytes(late.data(), a.data() + offset, late.size())) << spec;
    const auto other = Generate(spec, 12, start, 3 * kDay);
    EXPECT_FALSE(SameBytes(other.data(), a.data(), a.size())) << spec;
  }
}

TEST(Scenarios, EveryRecordIsWithinTheInputLimitsAndConsistent) {
  for (const char* spec : kScenarios) {
    for (uint64_t seed : {1, 2, 3}) {
      for (TimePoint start : {Date(1, 12), Date(7, 6)}) {
        for (const Interval& r : Generate(spec, seed, start, 2 * kDay)) {
          ASSERT_TRUE(metering::RecordWithinLimits(r)) << spec;
          ASSERT_EQ(r.duration, seconds(1));
          ASSERT_GE(r.frequency_hz, 49.9);
          ASSERT_LE(r.frequency_hz, 50.1);
          for (const auto& ph : r.phase) {
            ASSERT_GE(ph.voltage_v, 230 * 0.9) << spec;  // EN 50160: ±10 %
            ASSERT_LE(ph.voltage_v, 230 * 1.1) << spec;
            ASSERT_NEAR(ph.apparent_va, std::hypot(ph.active_w, ph.reactive_var),
                        1e-9 * ph.apparent_va + 1e-12);
            ASSERT_NEAR(std::abs(ph.current_a), ph.apparent_va / ph.voltage_v,
                        1e-9 * std::abs(ph.current_a) + 1e-12);
            ASSERT_EQ(ph.current_a < 0, ph.active_w < 0);
          }
        }
      }
    }
  }
}

TEST(PvScenario, ExportsOnlyInDaylight) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    for (TimePoint start : {Date(3, 20), Date(6, 21), Date(12, 21)}) {
      const auto records = Generate("sim:pv", seed, start, 3 * kDay);
      std::size_t exporting = 0;
      for (std::size_t i = 0; i < records.size(); ++i) {
        const int64_t second = SecondOf(start) + static_cast<int64_t>(i);
        const int64_t day = second / static_cast<int64_t>(kDay);
        const SunPosition sun =
            SunAt(DescribeCalendarDay(day),
                  static_cast<double>(second - day * static_cast<int64_t>(kDay)));
        const bool exports = std::any_of(records[i].phase.begin(), records[i].phase.end(),
                                         [](const auto& ph) { return ph.active_w < 0; });
        exporting += exports;
        ASSERT_FALSE(exports && sun.sine_elevation <= 0) << "seed " << seed << " record " << i;
      }
      EXPECT_GT(exporting, 3600U) << "seed " << seed;  // some export every day of the three
    }
  }
}

TEST(PvScenario, ExportsMoreInJuneThanInDecemberAndAtNoon) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    const double june = SumKwh(Generate("sim:pv", seed, Date(6, 1), 14 * kDay), true);
    const double december = SumKwh(Generate("sim:pv", seed, Date(12, 1), 14 * kDay), true);
    EXPECT_GT(june, 2 * december) << "seed " << seed;
    // A 3–12 kWp system exports several kWh a day in June: between 1 and 80 kWh a day.
    EXPECT_GT(june / 14, 1) << "seed " << seed;
    EXPECT_LT(june / 14, 80) << "seed " << seed;
  }
}

TEST(PvScenario, IsTheHouseholdOfTheSameSeedAtNight) {
  const auto pv = Generate("sim:pv", 7, Date(6, 10), kDay);
  const auto household = Generate("sim:household", 7, Date(6, 10), kDay);
  for (std::size_t i = 0; i < 3 * 3600; ++i) {  // 00:00–03:00
    for (int k = 0; k < 3; ++k) {
      ASSERT_NEAR(pv[i].phase[k].active_w, household[i].phase[k].active_w, 1e-9);
      ASSERT_NEAR(pv[i].phase[k].voltage_v, household[i].phase[k].voltage_v, 1e-9);
    }
  }
}

TEST(PvScenario, TheInvertersPowerFactorIsNearOne) {
  // The inverter's own share: sim:pv minus sim:household of the same seed (the same household
  // to the last bit of its loads). The meter's net power factor also has the household's Q.
  for (uint64_t seed : {1, 2, 3, 4, 5, 6}) {
    const auto pv = Generate("sim:pv", seed, Date(6, 21), kDay);
    const auto household = Generate("sim:household", seed, Date(6, 21), kDay);
    std::size_t exporting = 0;
    for (std::size_t i = 0; i < pv.size(); ++i) {
      for (int k = 0; k < 3; ++k) {
        const double p = pv[i].phase[k].active_w - household[i].phase[k].active_w;
        const double q = pv[i].phase[k].reactive_var - household[i].phase[k].reactive_var;
        if (p > -300) continue;
        ++exporting;
        ASSERT_GT(-p / std::hypot(p, q), 0.949) << "seed " << seed << " record " << i;
        ASSERT_GE(q, -1e-6);  // underexcited or none: never capacitive
      }
    }
    EXPECT_GT(exporting, 3600U) << seed;
  }
}

// Onsets and ends of charging on L1 (current crossing 1 A).
std::pair<int, int> Sessions(const std::vector<Interval>& records) {
  int starts = 0, stops = 0;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const bool before = records[i - 1].phase[0].current_a > 1;
    const bool now = records[i].phase[0].current_a > 1;
    starts += !before && now;
    stops += before && !now;
  }
  return {starts, stops};
}

TEST(EvScenario, NeverDrawsMoreThanTheWallboxOffersAndReachesIt) {
  for (const auto& [spec, limit] :
       std::vector<std::pair<std::string, double>>{{"sim:ev", 16},
                                                   {"sim:ev?limit=10A", 10},
                                                   {"sim:ev?limit=32&phases=1", 32},
                                                   {"sim:ev?limit=6A&phases=3", 6}}) {
    for (uint64_t seed : {1, 2, 3, 4}) {
      const auto records = Generate(spec, seed, Date(5, 4), 14 * kDay);
      double peak = 0;
      for (const Interval& r : records) {
        for (const auto& ph : r.phase) {
          ASSERT_LE(ph.current_a, limit) << spec << " seed " << seed;
          peak = std::max(peak, ph.current_a);
        }
      }
      const auto traits = EvTraitsForSeed(seed);
      EXPECT_GT(peak, std::min<double>(limit, traits.charger_a) - 1) << spec << " seed " << seed;
    }
  }
}

TEST(EvScenario, SessionsStartAndStopAndUseThePhasesGiven) {
  for (uint64_t seed : {1, 2, 3}) {
    const auto records = Generate("sim:ev?phases=1", seed, Date(5, 4), 14 * kDay);
    const auto [starts, stops] = Sessions(records);
    EXPECT_GE(starts, 3) << seed;
    EXPECT_GE(stops, starts - 1) << seed;
    for (const Interval& r : records) {
      ASSERT_LT(r.phase[1].current_a, 0.05);
      ASSERT_LT(r.phase[2].current_a, 0.05);
    }
    // A three-phase car on a three-phase wallbox charges on all three.
    const auto three = Generate("sim:ev", seed, Date(5, 4), 14 * kDay);
    double l3 = 0;
    for (const Interval& r : three) l3 = std::max(l3, r.phase[2].current_a);
    EXPECT_EQ(l3 > 5, EvTraitsForSeed(seed).charger_phases == 3) << seed;
  }
}

TEST(EvScenario, ChargingTapersNearFull) {
  // A car charging to 100 % spends a while between 20 % and 90 % of its full current.
  int tested = 0;
  for (uint64_t seed = 1; seed < 30 && tested < 3; ++seed) {
    if (EvTraitsForSeed(seed).full_target < 1) continue;
    ++tested;
    const auto records = Generate("sim:ev", seed, Date(5, 4), 14 * kDay);
    double peak = 0;
    for (const Interval& r : records) peak = std::max(peak, r.phase[0].current_a);
    std::size_t tapering = 0;
    for (const Interval& r : records) {
      tapering += r.phase[0].current_a > 0.2 * peak && r.phase[0].current_a < 0.9 * peak;
    }
    EXPECT_GT(tapering, 600U) << seed;
  }
  EXPECT_EQ(tested, 3);
}

TEST(HeatPumpScenario, UsesMoreInJanuaryThanInJuly) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    const double january = SumKwh(Generate("sim:heat-pump", seed, Date(1, 10), 7 * kDay), false);
    const double july = SumKwh(Generate("sim:heat-pump", seed, Date(7, 10), 7 * kDay), false);
    EXPECT_GT(january, 3 * july) << seed;
    // 5–12 kW houses: tens of kWh a winter day, a few (hot water) in summer.
    EXPECT_GT(january / 7, 10) << seed;
    EXPECT_LT(january / 7, 120) << seed;
    EXPECT_GT(july / 7, 1) << seed;
  }
}

TEST(HeatPumpScenario, CompressorCyclesAndRunsInductive) {
  for (uint64_t seed : {1, 2, 3}) {
    const auto traits = HeatPumpTraitsForSeed(seed);
    // In April the demand is often below the minimum modulation: on/off cycles.
    const auto records = Generate("sim:heat-pump", seed, Date(4, 15), 3 * kDay);
    const int k = traits.single_phase ? 0 : 2;  // L3: the compressor alone
    int switches = 0;
    for (std::size_t i = 1; i < records.size(); ++i) {
      switches += (records[i].phase[k].active_w > 150) != (records[i - 1].phase[k].active_w > 150);
    }
    EXPECT_GT(switches, 6) << seed;
    for (const Interval& r : records) {
      const auto& ph = r.phase[2];
      if (!traits.single_phase && ph.active_w > 150) {
        ASSERT_GT(ph.reactive_var, 0) << seed;
        ASSERT_NEAR(ph.active_w / ph.apparent_va, traits.cos_phi, 0.01) << seed;
      }
    }
  }
}

TEST(OfficeScenario, WeekdayWorkingHoursAboveNightsAndWeekends) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    for (TimePoint start : {Date(2, 2), Date(7, 6)}) {  // Mondays
      const auto week = Generate("sim:office", seed, start, 7 * kDay);
      double work = 0, night = 0, weekend = 0;
      std::size_t work_n = 0, night_n = 0, weekend_n = 0;
      for (std::size_t i = 0; i < week.size(); ++i) {
        const std::size_t day = i / kDay, hour = i % kDay / 3600;
        const double p =
            week[i].phase[0].active_w + week[i].phase[1].active_w + week[i].phase[2].active_w;
        if (day >= 5) {
          weekend += p, ++weekend_n;
        } else if (hour >= 9 && hour < 17) {
          work += p, ++work_n;
        } else if (hour < 5 || hour >= 22) {
          night += p, ++night_n;
        }
      }
      work /= static_cast<double>(work_n);
      night /= static_cast<double>(night_n);
      weekend /= static_cast<double>(weekend_n);
      EXPECT_GT(work, 2 * night) << seed;
      EXPECT_GT(work, 1.8 * weekend) << seed;
      EXPECT_GT(work, 1500) << seed;  // 8–60 workplaces
    }
  }
}

TEST(ScenarioSpecs, OptionsAreCheckedAndNamed) {
  const auto defaults = ParseWallboxOptions("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->limit_a, 16);
  EXPECT_EQ(defaults->phases, 3);
  const auto set = ParseWallboxOptions("limit=32A&phases=1");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->limit_a, 32);
  EXPECT_EQ(set->phases, 1);
  EXPECT_EQ(ParseWallboxOptions("limit=20")->limit_a, 20);
  for (const char* bad :
       {"limit=5", "limit=33A", "limit=16.5", "limit=", "phases=2", "phase=1", "limit=16&x=1"}) {
    const auto parsed = ParseWallboxOptions(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
  }
  EXPECT_EQ(ParseWallboxOptions("limit=40").status().message(),
            "source 'sim:ev?limit=40': limit must be a whole number of amperes from 6 to 32 (e.g. "
            "limit=16A), not '40'");
  EXPECT_EQ(ParseWallboxOptions("speed=1").status().message(),
            "source 'sim:ev?speed=1': unknown option 'speed'; allowed: limit=6..32A, phases=1|3");
  EXPECT_FALSE(OpenScenario("sim:pv?kwp=5", kNewYear, 1).ok());
  EXPECT_TRUE(IsScenarioSpec("sim:heat-pump"));
  EXPECT_TRUE(IsScenarioSpec("sim:ev?limit=8"));
  EXPECT_FALSE(IsScenarioSpec("sim:heatpump"));
  EXPECT_FALSE(IsScenarioSpec("sim:manual-example"));
}

}  // namespace
}  // namespace pro380::source
