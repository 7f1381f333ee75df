// FleetSteps and the fleet's 1 s step (docs/performance.md, "The fleet's 1 s step"): a fleet
// meter, fed on the run loop's ticks through FleetSteps, registers bit for bit what a meter given
// the same records whole registers, and its pulses fall where the 100 ms tick of a [[meter]]
// places them.
#include "app/fleet_steps.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/record_feeder.h"
#include "metering/meter.h"
#include "metering/meter_state.h"
#include "source/open_source.h"

namespace pro380::app {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr TimePoint kStart{seconds(1'790'000'000)};  // 2026-09-21T…Z

std::unique_ptr<source::RecordSource> Open(const std::string& spec, uint64_t seed) {
  auto opened = source::OpenSource(spec, {.start = kStart, .seed = seed});
  EXPECT_TRUE(opened.ok()) << opened.status().message();
  return std::move(opened->records);
}

metering::Meter NewMeter() {
  metering::MeterConfig config;
  config.start = kStart;
  config.combined_code = metering::CombinedCode::kNetted;  // both S0 outputs, netted
  return metering::Meter(config);
}

// The run loop's ticks: about 100 ms apart, early or late by a few ms, now and then a tick that
// comes 1.3–2.6 s late (a starved process), in meter time at speed 1.
class Ticks {
 public:
  explicit Ticks(uint32_t seed) : rng_(seed) {}
  Duration Next() {
    if (std::uniform_int_distribution<int>(0, 60)(rng_) == 0) {
      return milliseconds(std::uniform_int_distribution<int>(1300, 2600)(rng_));
    }
    return milliseconds(100) +
           Duration(std::uniform_int_distribution<int64_t>(-3'000'000, 9'000'000)(rng_));
  }

 private:
  std::mt19937 rng_;
};

TEST(FleetSteps, TakeGivesWholeSecondsAndCarriesTheRest) {
  FleetSteps steps;
  Ticks ticks(7);
  Duration given{};
  Duration taken{};
  int calls_with_time = 0;
  for (int i = 0; i < 5000; ++i) {
    const Duration tick = ticks.Next();
    given += tick;
    const Duration whole = steps.Take(tick);
    EXPECT_EQ(whole % FleetSteps::kStep, Duration::zero());
    EXPECT_GE(steps.owed(), Duration::zero());
    EXPECT_LT(steps.owed(), FleetSteps::kStep);
    taken += whole;
    calls_with_time += whole > Duration::zero();
  }
  EXPECT_EQ(taken + steps.owed(), given);
  // About one tick in ten gives time: the meters are fed ≈ once a second, not on every tick.
  EXPECT_LT(calls_with_time, 5000 / 5);
  const Duration rest = steps.owed();
  EXPECT_EQ(steps.Flush(), rest);
  EXPECT_EQ(steps.owed(), Duration::zero());
}

// Fleet meters fed through FleetSteps on jittery ticks for `duration`, against a meter given the
// same records one at a time (each record whole, in its own ApplyRecord).
void ExpectFleetMeterEqualsRecordsWhole(const std::string& spec, uint64_t seed, Duration duration) {
  auto fleet_source = Open(spec, seed);
  RecordFeeder feeder(*fleet_source, 2);
  metering::Meter fleet_meter = NewMeter();
  FleetSteps steps;
  Ticks ticks(static_cast<uint32_t>(seed));
  Duration fed{};
  while (fed < duration) {
    const int64_t records = steps.Take(ticks.Next()) / FleetSteps::kStep;
    if (records == 0) continue;
    auto applied = FeedSpans(feeder, fleet_meter, FleetSteps::kStep, records);
    ASSERT_TRUE(applied.ok());
    ASSERT_EQ(*applied, FleetSteps::kStep);
    fed += records * FleetSteps::kStep;
  }
  auto reference_source = Open(spec, seed);
  metering::Meter reference = NewMeter();
  std::vector<metering::Interval> record(1);
  Duration given{};
  while (given < fed) {
    auto n = reference_source->Read(record);
    ASSERT_TRUE(n.ok() && *n == 1);
    ASSERT_EQ(record[0].duration, seconds(1)) << "the scenarios' records are 1 s";
    reference.ApplyRecord(record[0]);
    given += record[0].duration;
  }
  const metering::MeterState got = fleet_meter.state();
  const metering::MeterState want = reference.state();
  EXPECT_EQ(got.config.start, want.config.start);
  EXPECT_EQ(got.registers, want.registers);
  EXPECT_EQ(got.residues_uj, want.residues_uj);  // bit for bit
  EXPECT_EQ(got.s0_forward, want.s0_forward);
  EXPECT_EQ(got.s0_reverse, want.s0_reverse);
  EXPECT_EQ(got.led, want.led);
  EXPECT_EQ(got, want);
  EXPECT_GT(want.registers[0].total[0][0] + want.registers[0].total[1][0], 0)
      << "the run registered energy";
}

// A fleet meter shows the record it is in: from the start (before its first whole record) and
// after every step, the voltages the next record will register, not those of the record just
// finished.
TEST(FleetSteps, AFleetMeterShowsTheRecordItIsIn) {
  auto fleet_source = Open("sim:household", 3);
  auto records_source = Open("sim:household", 3);
  std::vector<metering::Interval> records(600);
  ASSERT_EQ(*records_source->Read(records), records.size());
  RecordFeeder feeder(*fleet_source, 2);
  metering::Meter meter = NewMeter();
  ASSERT_TRUE(feeder.ShowNext(meter).ok());
  EXPECT_EQ(meter.now(), kStart) << "showing advances nothing";
  EXPECT_EQ(meter.instantaneous().phase[0].voltage_v, records[0].phase[0].voltage_v);
  EXPECT_GT(meter.instantaneous().phase[0].voltage_v, 200);
  size_t fed = 0;
  int differing = 0;
  for (int64_t step : {1, 1, 2, 1, 3, 1, 1, 1}) {
    ASSERT_TRUE(FeedSpans(feeder, meter, FleetSteps::kStep, step).ok());
    fed += static_cast<size_t>(step);
    EXPECT_EQ(meter.now(), kStart + static_cast<int64_t>(fed) * FleetSteps::kStep);
    for (int k = 0; k < metering::kPhaseCount; ++k) {
      EXPECT_EQ(meter.instantaneous().phase[k].voltage_v, records[fed].phase[k].voltage_v) << fed;
    }
    differing += records[fed].phase[0].voltage_v != records[fed - 1].phase[0].voltage_v;
  }
  EXPECT_GT(differing, 0) << "the records' voltages change, so the test tells them apart";
}

TEST(FleetSteps, AHouseholdFleetMeterEqualsTheSameRecordsGivenWhole) {
  for (uint64_t seed : {1, 42, 380}) {
    SCOPED_TRACE(seed);
    ExpectFleetMeterEqualsRecordsWhole("sim:household", seed, std::chrono::minutes(20));
  }
}

TEST(FleetSteps, APvFleetMeterEqualsTheSameRecordsGivenWhole) {
  ExpectFleetMeterEqualsRecordsWhole("sim:pv", 5, std::chrono::minutes(20));
}

// The [[meter]] path: the same records fed a tenth at a time on exact 100 ms ticks. Its pulses
// (counts and the latest pulse's time, checked after every second) are the fleet meter's; its
// registers and residues may differ from the fleet meter's in the last bits (each record split
// into ten parts, each part's µJ rounded on its own), so they are compared to 1 µWh and 1e-6 µJ.
TEST(FleetSteps, PulsesFallWhereTheHundredMillisecondTickPlacesThem) {
  auto fleet_source = Open("sim:household", 11);
  auto tick_source = Open("sim:household", 11);
  RecordFeeder fleet_feeder(*fleet_source, 2);
  RecordFeeder tick_feeder(*tick_source, 2);
  metering::Meter fleet_meter = NewMeter();
  metering::Meter tick_meter = NewMeter();
  int64_t pulses_checked = 0;
  for (int second = 0; second < 3600; ++second) {
    ASSERT_TRUE(fleet_feeder.Feed(fleet_meter, seconds(1)).ok());
    for (int tick = 0; tick < 10; ++tick) {
      ASSERT_TRUE(tick_feeder.Feed(tick_meter, milliseconds(100)).ok());
    }
    ASSERT_EQ(fleet_meter.now(), tick_meter.now());
    for (const auto& [fleet, tick] :
         {std::pair{&fleet_meter.s0_forward(), &tick_meter.s0_forward()},
          std::pair{&fleet_meter.s0_reverse(), &tick_meter.s0_reverse()},
          std::pair{&fleet_meter.led(metering::EnergyKind::kActive),
                    &tick_meter.led(metering::EnergyKind::kActive)},
          std::pair{&fleet_meter.led(metering::EnergyKind::kReactive),
                    &tick_meter.led(metering::EnergyKind::kReactive)}}) {
      ASSERT_EQ(fleet->pulses(), tick->pulses()) << "second " << second;
      if (fleet->pulses() == 0) continue;
      // The engine places a pulse to the µWh of its run: the two paths agree to the time a few
      // µWh take at the pulse's power.
      const Duration apart = fleet->last_pulse_start() - tick->last_pulse_start();
      const Duration few_uwh(static_cast<int64_t>(3 * 3.6e-3 / fleet->last_power_w() * 1e9));
      ASSERT_LE(std::chrono::abs(apart), few_uwh + std::chrono::microseconds(1))
          << "second " << second << ", " << fleet->last_power_w() << " W";
      ++pulses_checked;
    }
  }
  EXPECT_GT(pulses_checked, 3600);
  // Every register to the µWh (equal in this run; the split parts' rounding could move one
  // across a whole µWh in another).
  const metering::MeterState fleet = fleet_meter.state();
  const metering::MeterState tick = tick_meter.state();
  int64_t registered = 0;
  for (int k = 0; k < metering::kEnergyKindCount; ++k) {
    for (int d = 0; d < metering::kDirectionCount; ++d) {
      for (int t = 0; t < metering::kTariffCount; ++t) {
        EXPECT_LE(std::abs(fleet.registers[k].total[d][t] - tick.registers[k].total[d][t]), 1);
        registered += fleet.registers[k].total[d][t];
        for (int p = 0; p < metering::kPhaseCount; ++p) {
          EXPECT_LE(std::abs(fleet.registers[k].phase[p][d][t] - tick.registers[k].phase[p][d][t]),
                    1);
        }
      }
    }
  }
  EXPECT_GT(registered, 0);
  EXPECT_EQ(fleet.day_counter_uwh, tick.day_counter_uwh);
}

}  // namespace
}  // namespace pro380::app
