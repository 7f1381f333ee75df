#include "source/live_source.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <vector>

#include "metering/meter.h"
#include "metering/readings.h"

namespace pro380::source {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kStart = TimePoint{} + std::chrono::hours(24 * 365 * 50);

LiveReading PowerL1(double watts) {
  LiveReading r;
  r.phase[0].active_w = watts;
  return r;
}

// Reads records until the cursor reaches `until`; returns them.
std::vector<metering::Interval> ReadUntil(LiveSource& source, TimePoint until) {
  std::vector<metering::Interval> records;
  metering::Interval record;
  while (source.cursor() < until) {
    auto n = source.Read(std::span(&record, 1));
    EXPECT_TRUE(n.ok());
    EXPECT_EQ(*n, 1u);
    records.push_back(record);
  }
  return records;
}

Duration Total(const std::vector<metering::Interval>& records) {
  Duration total{};
  for (const auto& r : records) total += r.duration;
  return total;
}

TEST(LiveSource, WaitsWithNominalVoltageAndZeroLoadBeforeTheFirstReading) {
  LiveSource source(kStart, {});
  const auto records = ReadUntil(source, kStart + seconds(5));
  ASSERT_EQ(records.size(), 50u);  // 100 ms records
  for (const auto& r : records) {
    EXPECT_EQ(r.duration, milliseconds(100));
    EXPECT_EQ(r.frequency_hz, 50);
    for (const auto& phase : r.phase) {
      EXPECT_EQ(phase.voltage_v, 230);
      EXPECT_EQ(phase.current_a, 0);
      EXPECT_EQ(phase.active_w, 0);
    }
  }
  const LiveStatus status = source.status(kStart + seconds(5));
  EXPECT_EQ(status.state, LiveState::kWaiting);
  EXPECT_TRUE(status.stale());
  EXPECT_FALSE(status.last_update);
}

TEST(LiveSource, FollowsEachReadingFromTheNextRecord) {
  LiveSource source(kStart, {});
  ReadUntil(source, kStart + seconds(1));
  ASSERT_TRUE(source.Update(PowerL1(2300), kStart + seconds(1)).ok());
  auto records = ReadUntil(source, kStart + seconds(2));
  for (const auto& r : records) {
    EXPECT_EQ(r.phase[0].active_w, 2300);
    EXPECT_DOUBLE_EQ(r.phase[0].current_a, 10);
    EXPECT_EQ(r.phase[1].active_w, 0);
  }
  ASSERT_TRUE(source.Update(PowerL1(-4600), kStart + seconds(2)).ok());
  records = ReadUntil(source, kStart + seconds(3));
  EXPECT_EQ(records.front().phase[0].active_w, -4600);
  EXPECT_DOUBLE_EQ(records.front().phase[0].current_a, -20);  // signed like P
  EXPECT_EQ(source.status(kStart + seconds(3)).state, LiveState::kFresh);
  EXPECT_EQ(source.status(kStart + seconds(3)).accepted, 2u);
}

// The feed stops: fresh until `stale`, stale (same values) until `timeout`, then zero load with
// the voltage and frequency last measured; the zeros start exactly at the timeout.
TEST(LiveSource, HoldsTheValuesWhileStaleAndZeroesTheLoadAtTheTimeout) {
  LiveSource source(kStart, {.stale = seconds(10), .timeout = seconds(60)});
  LiveReading r = PowerL1(1000);
  r.phase[0].voltage_v = 240;
  r.frequency_hz = 49.9;
  // The first record is read before the reading arrives: the meter's time lags the cursor.
  ReadUntil(source, kStart + milliseconds(100));
  const TimePoint at = kStart + milliseconds(50);  // between two record boundaries
  ASSERT_TRUE(source.Update(r, at).ok());
  EXPECT_EQ(source.status(at + seconds(9)).state, LiveState::kFresh);
  EXPECT_EQ(source.status(at + seconds(10)).state, LiveState::kStale);
  EXPECT_TRUE(source.status(at + seconds(10)).stale());
  EXPECT_EQ(source.status(at + seconds(60)).state, LiveState::kTimedOut);

  const auto records = ReadUntil(source, at + seconds(61));
  ASSERT_FALSE(records.empty());
  Duration held{};
  bool zero_seen = false;
  for (const auto& rec : records) {
    if (rec.phase[0].active_w == 1000) {
      EXPECT_FALSE(zero_seen) << "values came back after the timeout";
      held += rec.duration;
    } else {
      zero_seen = true;
      EXPECT_EQ(rec.phase[0].active_w, 0);
      EXPECT_EQ(rec.phase[0].current_a, 0);
      EXPECT_EQ(rec.phase[0].voltage_v, 240);
      EXPECT_EQ(rec.frequency_hz, 49.9);
    }
  }
  EXPECT_TRUE(zero_seen);
  // From the first record after the reading to the timeout.
  EXPECT_EQ(held, at + seconds(60) - (kStart + milliseconds(100)));
  EXPECT_EQ(Total(records), source.cursor() - (kStart + milliseconds(100)));
}

// Energy: what was measured (held up to the timeout), nothing before the first reading and
// nothing after the timeout.
TEST(LiveSource, RegistersOnlyTheMeasuredEnergy) {
  metering::Meter meter({.start = kStart});
  LiveSource source(kStart, {.stale = seconds(2), .timeout = seconds(5)});
  std::vector<metering::Interval> records = ReadUntil(source, kStart + seconds(10));
  ASSERT_TRUE(source.Update(PowerL1(3600), kStart + seconds(10)).ok());
  const auto more = ReadUntil(source, kStart + seconds(30));
  records.insert(records.end(), more.begin(), more.end());
  meter.ApplyRecords(records);
  // 3600 W for 5 s = 5 Wh = 0.005 kWh, nothing else.
  EXPECT_EQ(meter.now(), kStart + seconds(30));
  const metering::Readings readings = metering::Read(meter);
  EXPECT_DOUBLE_EQ(readings[metering::QuantityId::kForwardActiveEnergyL1Kwh], 0.005);
  EXPECT_DOUBLE_EQ(readings[metering::QuantityId::kForwardActiveEnergyKwh], 0.005);
}

TEST(LiveSource, AReadingReplacesAPhasesLoadAndKeepsItsVoltage) {
  LiveSource source(kStart, {});
  LiveReading first;
  first.phase[1].voltage_v = 220;
  first.phase[1].active_w = 2200;
  first.phase[1].reactive_var = 500;
  ASSERT_TRUE(source.Update(first, kStart).ok());
  LiveReading second;
  second.phase[1].current_a = 5;  // current only: P = U·I, Q = 0
  ASSERT_TRUE(source.Update(second, kStart).ok());
  const metering::PhaseValues phase = source.RecordAt(kStart).phase[1];
  EXPECT_EQ(phase.voltage_v, 220);
  EXPECT_EQ(phase.current_a, 5);
  EXPECT_EQ(phase.active_w, 1100);
  EXPECT_EQ(phase.reactive_var, 0);
  EXPECT_EQ(phase.apparent_va, 1100);
  // A voltage alone changes the voltage; the load stays stated as it was and is derived anew.
  LiveReading third;
  third.phase[1].voltage_v = 230;
  ASSERT_TRUE(source.Update(third, kStart).ok());
  EXPECT_EQ(source.RecordAt(kStart).phase[1].active_w, 1150);
}

TEST(DerivePhase, KeepsAStatedCurrentAndRaisesARoundedOneToSOverU) {
  // The feed's current is larger than S/U (harmonics): kept, S = U·|I|, signed like P.
  metering::PhaseValues phase = DerivePhase(230, 10.0, -2000.0, std::nullopt);
  EXPECT_EQ(phase.current_a, -10);
  EXPECT_EQ(phase.apparent_va, 2300);
  EXPECT_EQ(phase.active_w, -2000);
  // Rounded smaller than S/U: S = sqrt(P² + Q²), I = S/U.
  phase = DerivePhase(230, 8.6, 2000.0, std::nullopt);
  EXPECT_EQ(phase.apparent_va, 2000);
  EXPECT_DOUBLE_EQ(phase.current_a, 2000.0 / 230);
}

TEST(LiveSource, RefusesValuesOutsideTheLimitsAndChangesNothing) {
  LiveSource source(kStart, {});
  ASSERT_TRUE(source.Update(PowerL1(1000), kStart).ok());
  const metering::Interval before = source.RecordAt(kStart);
  struct Case {
    LiveReading reading;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({PowerL1(1e300), "phase 1 active power 1e+300 W is outside -3000000..3000000 W"});
  cases.push_back({PowerL1(std::nan("")),
                   "phase 1 active power nan W is outside "
                   "-3000000..3000000 W"});
  LiveReading volts;
  volts.phase[2].voltage_v = 301;
  cases.push_back({volts, "phase 3 voltage 301 V is outside 0..300 V"});
  LiveReading hertz;
  hertz.frequency_hz = 70;
  cases.push_back({hertz, "frequency 70 Hz is outside 45..65 Hz"});
  LiveReading tiny_voltage = PowerL1(3e6);
  tiny_voltage.phase[0].voltage_v = 1;
  cases.push_back({tiny_voltage, "phase 1 current S/U 3e+06 A is outside -10000..10000 A"});
  LiveReading no_voltage = PowerL1(10);
  no_voltage.phase[0].voltage_v = 0;
  cases.push_back({no_voltage, "phase 1 has power but its voltage is 0 V"});
  cases.push_back({LiveReading{}, "the reading states no value"});
  for (const Case& c : cases) {
    const Status st = source.Update(c.reading, kStart + seconds(1));
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.message;
    EXPECT_EQ(st.message(), c.message);
  }
  const metering::Interval after = source.RecordAt(kStart);
  EXPECT_EQ(after.phase[0].active_w, before.phase[0].active_w);
  EXPECT_EQ(after.phase[0].voltage_v, before.phase[0].voltage_v);
  EXPECT_EQ(after.frequency_hz, before.frequency_hz);
  const LiveStatus status = source.status(kStart + seconds(1));
  EXPECT_EQ(status.accepted, 1u);
  EXPECT_EQ(status.rejected, cases.size());
  EXPECT_EQ(*status.last_update, kStart);  // a refused reading does not refresh the feed
}

// A scripted load curve: each step lands exactly at its time (records split there), the source
// stays fresh while steps are pending and ages from the last one.
TEST(LiveSource, FollowsAScheduleOnItsOwnClock) {
  LiveSource source(kStart, {.stale = seconds(10), .timeout = seconds(20)});
  ASSERT_TRUE(source
                  .SetSchedule({{seconds(0), PowerL1(1000)},
                                {milliseconds(2550), PowerL1(2000)},
                                {seconds(40), PowerL1(500)}},
                               kStart)
                  .ok());
  EXPECT_EQ(source.pending_steps(), 3u);
  const auto records = ReadUntil(source, kStart + seconds(70));
  TimePoint t = kStart;
  for (const auto& r : records) {
    const double expected = t < kStart + milliseconds(2550) ? 1000
                            : t < kStart + seconds(40)      ? 2000
                            : t < kStart + seconds(60)      ? 500
                                                            : 0;  // 20 s after the last step
    EXPECT_EQ(r.phase[0].active_w, expected) << (t - kStart).count();
    t += r.duration;
  }
  EXPECT_EQ(source.status(kStart + seconds(70)).state, LiveState::kTimedOut);
  EXPECT_EQ(source.pending_steps(), 0u);
  EXPECT_EQ(*source.status(kStart + seconds(70)).last_update, kStart + seconds(40));
}

TEST(LiveSource, RefusesABadScheduleWholeAndAnUpdateClearsIt) {
  LiveSource source(kStart, {});
  Status st =
      source.SetSchedule({{seconds(0), PowerL1(1000)}, {seconds(5), PowerL1(1e300)}}, kStart);
  EXPECT_EQ(st.message(), "step 1: phase 1 active power 1e+300 W is outside -3000000..3000000 W");
  st = source.SetSchedule({{seconds(5), PowerL1(1)}, {seconds(4), PowerL1(2)}}, kStart);
  EXPECT_EQ(st.message(), "step 1: steps must be in order of their time, from 0 s");
  EXPECT_EQ(source.pending_steps(), 0u);
  EXPECT_EQ(source.status(kStart).state, LiveState::kWaiting);

  ASSERT_TRUE(source.SetSchedule({{seconds(1), PowerL1(1000)}}, kStart).ok());
  ASSERT_TRUE(source.Update(PowerL1(300), kStart).ok());
  EXPECT_EQ(source.pending_steps(), 0u);
  const auto records = ReadUntil(source, kStart + seconds(2));
  for (const auto& r : records) EXPECT_EQ(r.phase[0].active_w, 300);
}

TEST(ValidateLiveTimeouts, NamesTheOffendingTime) {
  EXPECT_TRUE(ValidateLiveTimeouts({}).ok());
  EXPECT_FALSE(ValidateLiveTimeouts({.stale = seconds(0)}).ok());
  EXPECT_EQ(ValidateLiveTimeouts({.stale = seconds(10), .timeout = seconds(5)}).message(),
            "the timeout must not be shorter than the stale time");
}

}  // namespace
}  // namespace pro380::source
