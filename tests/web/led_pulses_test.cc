// LedPulseTimes (web/led_pulses.h): the pulse times sent to the page are the meter's pulse times.
// A meter at a constant load is fed in 100 ms steps, like the run loop does; every pulse the LED
// counted must be reported once, at the time its energy threshold was crossed (k pulses of
// 0.1 Wh at P watts: t_k = k × 0.1 Wh / P, computed here independently of the engine).
#include "web/led_pulses.h"

#include <gtest/gtest.h>

#include <vector>

#include "metering/interval.h"
#include "metering/meter.h"

namespace pro380::web {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

class LedPulsesTest : public ::testing::Test {
 protected:
  // Feeds `step` of `active_w` on L1 and observes the active LED; returns the batch.
  PulseBatch Step(double active_w, Duration step) {
    metering::Interval interval;
    interval.phase[0] = metering::PhaseFromPower(230, active_w, 0);
    interval.phase[1] = metering::PhaseFromPower(230, 0, 0);
    interval.phase[2] = metering::PhaseFromPower(230, 0, 0);
    interval.duration = step;
    meter_.Apply(interval);
    const device::LedView view = device::LedAt(device::PanelInputsOf(meter_, settings_),
                                               metering::EnergyKind::kActive, meter_.now());
    PulseBatch batch = tracker_.Next(view);
    for (double offset : batch.offsets_s)
      times_.push_back(ToSeconds(view.meter_time - kT0) + offset);
    total_ += batch.count;
    return batch;
  }

  metering::Meter meter_{metering::MeterConfig{.start = kT0}};
  device::DeviceSettings settings_;
  LedPulseTimes tracker_;
  std::vector<double> times_;  // seconds since kT0
  int64_t total_ = 0;
};

TEST_F(LedPulsesTest, ConstantLoadGivesEveryPulseAtItsTime) {
  Step(0, 100ms);                                     // the baseline
  constexpr double kWatts = 2500;                     // 0.1 Wh per pulse: one every 0.144 s
  for (int k = 0; k < 100; ++k) Step(kWatts, 100ms);  // 10 s: 69 pulses
  const int64_t pulses = meter_.led(metering::EnergyKind::kActive).pulses();
  EXPECT_EQ(pulses, 69);
  EXPECT_EQ(total_, pulses);
  ASSERT_EQ(times_.size(), static_cast<size_t>(pulses));
  const double period_s = 0.1 * 3600 / kWatts;
  for (size_t k = 0; k < times_.size(); ++k) {
    // The load starts at 0.1 s; 10 µs covers the engine's whole-µWh energy steps.
    EXPECT_NEAR(times_[k], 0.1 + static_cast<double>(k + 1) * period_s, 1e-5) << "pulse " << k + 1;
  }
}

TEST_F(LedPulsesTest, FirstObservationIsTheBaselineAndNoLoadGivesNothing) {
  const PulseBatch first = Step(20'000, 1s);  // pulses before the first look are not replayed
  EXPECT_EQ(first.count, 0);
  EXPECT_TRUE(first.offsets_s.empty());
  EXPECT_EQ(Step(0, 1s).count, 0);
}

TEST_F(LedPulsesTest, ManyPulsesAreAllCountedAndTheLatestTimed) {
  Step(0, 100ms);
  // 36 kW for 1 s: 100 pulses, one every 10 ms; more than kMaxPulseTimes.
  const PulseBatch batch = Step(36'000, 1s);
  EXPECT_EQ(batch.count, 100);
  ASSERT_EQ(batch.offsets_s.size(), static_cast<size_t>(kMaxPulseTimes));
  EXPECT_NEAR(batch.offsets_s.back(), 0.0, 1e-6);     // the 100th pulse ends the second
  EXPECT_NEAR(batch.offsets_s.front(), -0.63, 1e-6);  // the 37th: 63 periods earlier
}

TEST_F(LedPulsesTest, PulsesStayAfterThePreviousObservationWhenTheLoadStops) {
  Step(0, 100ms);
  Step(3'600, 100ms);  // 1 pulse per 0.1 s
  Step(36'000, 50ms);  // 5 pulses, then the load is gone before the next look
  const PulseBatch batch = Step(0, 0ms);
  EXPECT_EQ(batch.count, 0);
  EXPECT_EQ(total_, meter_.led(metering::EnergyKind::kActive).pulses());
  for (size_t k = 1; k < times_.size(); ++k) EXPECT_GT(times_[k], times_[k - 1]);
  for (double t : times_) EXPECT_GT(t, 0.1);
}

}  // namespace
}  // namespace pro380::web
