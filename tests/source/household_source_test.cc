// The sim:household scenario (docs/scenarios.md): deterministic per seed and meter time,
// plausible daily and annual consumption, every phase used, reactive power of both signs,
// physically consistent records.
#include "source/household_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "metering/meter.h"

namespace pro380::source {
namespace {

using metering::Interval;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kNewYear{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};
constexpr std::size_t kDay = 86'400;

std::vector<Interval> Generate(uint64_t seed, TimePoint start, std::size_t count,
                               std::size_t batch = 4096) {
  HouseholdSource source(start, seed);
  std::vector<Interval> records(count);
  for (std::size_t done = 0; done < count;) {
    const std::size_t n = std::min(batch, count - done);
    auto read = source.Read(std::span<Interval>(records).subspan(done, n));
    EXPECT_TRUE(read.ok());
    EXPECT_EQ(*read, n);
    done += n;
  }
  return records;
}

bool SameBytes(const Interval* a, const Interval* b, std::size_t count) {
  return std::memcmp(a, b, count * sizeof(Interval)) == 0;
}

// Energy in kWh of the active power of `records` (1 s each), per phase.
std::array<double, 3> PhaseKwh(const std::vector<Interval>& records) {
  std::array<double, 3> kwh{};
  for (const Interval& r : records) {
    for (int k = 0; k < 3; ++k) kwh[k] += r.phase[k].active_w / 3.6e6;
  }
  return kwh;
}

double TotalKwh(const std::vector<Interval>& records) {
  const auto kwh = PhaseKwh(records);
  return kwh[0] + kwh[1] + kwh[2];
}

TEST(HouseholdSource, SameSeedAndStartGiveIdenticalRecordsInAnyBatchSize) {
  const auto a = Generate(7, kNewYear, 2 * kDay, 4096);
  const auto b = Generate(7, kNewYear, 2 * kDay, 1);
  const auto c = Generate(7, kNewYear, 2 * kDay, 999);
  EXPECT_TRUE(SameBytes(a.data(), b.data(), a.size()));
  EXPECT_TRUE(SameBytes(a.data(), c.data(), a.size()));
}

TEST(HouseholdSource, DifferentSeedsAreDifferentHouseholds) {
  const auto a = Generate(1, kNewYear, kDay);
  const auto b = Generate(2, kNewYear, kDay);
  std::size_t equal_power = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    equal_power += a[i].phase[0].active_w == b[i].phase[0].active_w;
  }
  EXPECT_LT(equal_power, a.size() / 100);
  EXPECT_NE(TotalKwh(a), TotalKwh(b));
}

TEST(HouseholdSource, RecordsDependOnMeterTimeNotOnWhereTheRunStarted) {
  // A run started at 13:27:05 on 2 January sees exactly what a run started on New Year's Day
  // sees from that instant on (programmes already running included).
  const auto from_new_year = Generate(3, kNewYear, 3 * kDay);
  const std::size_t offset = kDay + 13 * 3600 + 27 * 60 + 5;
  const auto late = Generate(3, kNewYear + seconds(offset), 3 * kDay - offset);
  EXPECT_TRUE(SameBytes(late.data(), from_new_year.data() + offset, late.size()));
}

TEST(HouseholdSource, RecordsAreOneSecondAndPhysicallyConsistent) {
  for (const Interval& r : Generate(5, kNewYear + days(180), kDay)) {
    ASSERT_EQ(r.duration, seconds(1));
    ASSERT_GE(r.frequency_hz, 49.9);
    ASSERT_LE(r.frequency_hz, 50.1);
    for (const auto& ph : r.phase) {
      ASSERT_GE(ph.voltage_v, 230 * 0.9);  // EN 50160: ±10 %
      ASSERT_LE(ph.voltage_v, 230 * 1.1);
      ASSERT_GT(ph.active_w, 0);  // no generation in this household
      ASSERT_NEAR(ph.apparent_va, std::hypot(ph.active_w, ph.reactive_var), 1e-12 * ph.apparent_va);
      ASSERT_NEAR(ph.current_a, ph.apparent_va / ph.voltage_v, 1e-12 * ph.current_a);
    }
  }
}

TEST(HouseholdSource, EveryDayOfAFortnightIsPlausible) {
  for (uint64_t seed : {1, 2, 3, 99}) {
    // One week in winter, one in summer.
    for (TimePoint start : {kNewYear, kNewYear + days(181)}) {
      const auto records = Generate(seed, start, 7 * kDay);
      for (std::size_t d = 0; d < 7; ++d) {
        const std::vector<Interval> day(
            records.begin() + static_cast<std::ptrdiff_t>(d * kDay),
            records.begin() + static_cast<std::ptrdiff_t>((d + 1) * kDay));
        const double kwh = TotalKwh(day);
        EXPECT_GT(kwh, 2) << "seed " << seed << " day " << d;
        EXPECT_LT(kwh, 30) << "seed " << seed << " day " << d;
      }
    }
  }
}

TEST(HouseholdSource, AnnualConsumptionIsThatOfAHousehold) {
  for (uint64_t seed : {1, 2}) {
    HouseholdSource source(kNewYear, seed);
    std::vector<Interval> day(kDay);
    double kwh = 0;
    for (int d = 0; d < 365; ++d) {
      ASSERT_TRUE(source.Read(day).ok());
      kwh += TotalKwh(day);
    }
    EXPECT_GT(kwh, 2500) << "seed " << seed;
    EXPECT_LT(kwh, 4500) << "seed " << seed;
  }
}

TEST(HouseholdSource, EveryPhaseCarriesLoadAndBigAppliances) {
  const auto week = Generate(4, kNewYear + days(30), 7 * kDay);
  const auto kwh = PhaseKwh(week);
  const double total = kwh[0] + kwh[1] + kwh[2];
  for (int k = 0; k < 3; ++k) {
    EXPECT_GT(kwh[k], 0.15 * total) << "L" << k + 1;
    double peak = 0;
    for (const Interval& r : week) peak = std::max(peak, r.phase[k].active_w);
    EXPECT_GT(peak, 1000) << "L" << k + 1;  // hob zone, heater or kettle on every phase
  }
}

TEST(HouseholdSource, ReactivePowerOfMotorsAndElectronics) {
  const auto week = Generate(6, kNewYear + days(90), 7 * kDay);
  for (int k = 0; k < 3; ++k) {
    std::size_t inductive = 0, capacitive = 0;
    for (const Interval& r : week) {
      inductive += r.phase[k].reactive_var > 1;
      capacitive += r.phase[k].reactive_var < -1;
    }
    // Motors (compressors, drums, pumps) make Q > 0; standby electronics and LEDs Q < 0.
    EXPECT_GT(inductive, 600U) << "L" << k + 1;
    EXPECT_GT(capacitive, 600U) << "L" << k + 1;
  }
}

TEST(HouseholdSource, FollowsTheTimeOfDay) {
  const auto week = Generate(8, kNewYear + days(10), 7 * kDay);
  double night = 0, evening = 0;
  for (std::size_t i = 0; i < week.size(); ++i) {
    const std::size_t hour = i % kDay / 3600;
    const double p =
        week[i].phase[0].active_w + week[i].phase[1].active_w + week[i].phase[2].active_w;
    if (hour >= 2 && hour < 5) night += p / 3;
    if (hour >= 18 && hour < 21) evening += p / 3;
  }
  EXPECT_GT(evening, 3 * night);
}

TEST(HouseholdSource, AMetersStateIsUnderOneKibibyte) {
  // A fleet holds one source per meter (docs/performance.md, "The fleet"); the plan lives in a
  // StepCursor inside the object, nothing on the heap.
  EXPECT_LE(sizeof(HouseholdSource), 1024U);
}

TEST(HouseholdSource, MeterRegistersWhatTheRecordsCarry) {
  const auto day = Generate(9, kNewYear, kDay);
  metering::Meter meter(metering::MeterConfig{.start = kNewYear});
  for (const Interval& r : day) meter.ApplyRecord(r);
  const auto kwh = PhaseKwh(day);
  for (int k = 0; k < 3; ++k) {
    const double registered =
        meter.registers(metering::EnergyKind::kActive).Phase(k, metering::Direction::kForward) *
        1e-9;
    EXPECT_NEAR(registered, kwh[k], 1e-6) << "L" << k + 1;
  }
  EXPECT_EQ(meter.now(), kNewYear + days(1));
}

}  // namespace
}  // namespace pro380::source
