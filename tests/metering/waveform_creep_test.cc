// No-load and starting current through the whole waveform path (metering.md §1.4):
// a simulated day at 115 % Un with noise and offset on the open current channels registers
// nothing and flashes no LED; Ist on each phase alone, in each direction, registers from the
// start and flashes the LED within 1.5 nominal pulse periods; below half of Ist nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "metering/meter.h"
#include "testing/waveform_stimulus.h"

namespace pro380::metering {
namespace {

TEST(WaveformCreep, NoLoadForADayAtOneHundredFifteenPercentUnRegistersNothing) {
  // 1000 Hz is the lowest rate the front end takes: 20 samples per cycle. The voltage repeats
  // every cycle, so one cycle of it is computed and tiled.
  constexpr double kFs = 1000;
  constexpr int kPerCycle = 20;
  constexpr int64_t kChunk = 60 * 1000;  // one minute
  constexpr int kMinutes = 24 * 60;
  const double peak = 1.15 * 230 * std::numbers::sqrt2;
  std::array<std::vector<float>, kChannelCount> ch;
  for (auto& c : ch) c.resize(kChunk);
  for (int k = 0; k < kPhaseCount; ++k) {
    for (int64_t n = 0; n < kChunk; ++n) {
      const double theta = 2 * std::numbers::pi * static_cast<double>(n % kPerCycle) / kPerCycle;
      ch[VoltageChannel(k)][n] =
          static_cast<float>(peak * std::sin(theta - 2 * std::numbers::pi * k / 3));
    }
  }
  // Current channels: ADC offset (40..60 mA, far above Ist) plus uniform noise of 5 mA RMS.
  const std::array<double, kPhaseCount> offset = {0.04, -0.05, 0.06};
  const double noise = 0.005 * std::sqrt(3.0);  // half-width of a uniform with 5 mA RMS
  testing::FastRandom random(7);

  Meter meter(MeterConfig{});
  FrontEndConfig config;
  config.sample_rate_hz = kFs;
  WaveformFrontEnd front_end(config);
  const auto apply = [&meter](const Interval& interval) { meter.Apply(interval); };
  for (int minute = 0; minute < kMinutes; ++minute) {
    for (int k = 0; k < kPhaseCount; ++k) {
      float* cur = ch[CurrentChannel(k)].data();
      for (int64_t n = 0; n < kChunk; ++n) {
        cur[n] = static_cast<float>(offset[k] + noise * (2 * random.Uniform() - 1));
      }
    }
    std::array<const float*, kChannelCount> p;
    for (int c = 0; c < kChannelCount; ++c) p[c] = ch[c].data();
    front_end.Process(PlanarFloatBlock(p, kChunk), apply);
  }
  front_end.Flush(apply);

  EXPECT_EQ(meter.now() - meter.config().start, std::chrono::hours(24));
  EXPECT_EQ(front_end.stats().cycles, 24 * 3600 * 50 - 2);  // the first and last are part cycles
  for (EnergyKind kind : {EnergyKind::kActive, EnergyKind::kReactive}) {
    for (Direction d : {Direction::kForward, Direction::kReverse}) {
      EXPECT_EQ(meter.registers(kind).Total(d), 0);
      for (int k = 0; k < kPhaseCount; ++k) {
        EXPECT_EQ(meter.residue_uj(kind, k, d), 0) << "L" << k + 1;
      }
    }
    EXPECT_EQ(meter.led(kind).pulses(), 0);
  }
  EXPECT_EQ(meter.s0_forward().pulses(), 0);
  for (int k = 0; k < kPhaseCount; ++k) {
    EXPECT_TRUE(meter.diagnostics().phase_present[k]);
    EXPECT_EQ(meter.instantaneous().phase[k].current_a, 0);
  }
}

struct StartCase {
  int phase;
  bool reverse;
};

class WaveformStart : public ::testing::TestWithParam<StartCase> {};

TEST_P(WaveformStart, IstOnOnePhaseRegistersAndFlashesTheLedWithinOneAndAHalfPeriods) {
  constexpr double kFs = 6400;
  constexpr double kIst = kDirectStartingCurrentA;
  const StartCase c = GetParam();
  // One element at Ist, PF 1: 4.6 W, one LED pulse (0.1 Wh) every 78.3 s.
  const double power = 230 * kIst;
  const double pulse_period_s = 360.0 / power;
  const auto samples = static_cast<std::size_t>(std::ceil(1.5 * pulse_period_s)) * 6400;
  testing::ThreePhase s = testing::Balanced(230, 0, 0, 50);
  s.i[c.phase] =
      testing::Signal::Sine(kIst, -2 * std::numbers::pi * c.phase / 3) * (c.reverse ? -1.0 : 1.0);
  Meter meter(MeterConfig{});
  testing::Feed(meter, testing::Sample(s, kFs, samples), kFs, 1 << 16);

  const double expected = (c.reverse ? -power : power) * static_cast<double>(samples) / kFs;
  EXPECT_NEAR(testing::RegisteredJoules(meter, EnergyKind::kActive, c.phase), expected,
              std::fabs(expected) * 1e-4);
  EXPECT_EQ(meter.led(EnergyKind::kActive).pulses(), 1);
  EXPECT_LT(ToSeconds(meter.led(EnergyKind::kActive).last_pulse_start() - meter.config().start),
            1.5 * pulse_period_s);
  const Direction wrong = c.reverse ? Direction::kForward : Direction::kReverse;
  EXPECT_EQ(meter.registers(EnergyKind::kActive).Total(wrong), 0);
}

TEST_P(WaveformStart, BelowHalfOfIstNothingRegisters) {
  constexpr double kFs = 6400;
  const StartCase c = GetParam();
  testing::ThreePhase s = testing::Balanced(230, 0, 0, 50);
  s.i[c.phase] =
      testing::Signal::Sine(0.45 * kDirectStartingCurrentA, -2 * std::numbers::pi * c.phase / 3) *
      (c.reverse ? -1.0 : 1.0);
  Meter meter(MeterConfig{});
  testing::Feed(meter, testing::Sample(s, kFs, 60 * 6400), kFs, 1 << 16);
  EXPECT_EQ(testing::RegisteredJoules(meter, EnergyKind::kActive, c.phase), 0);
}

std::string StartName(const ::testing::TestParamInfo<StartCase>& info) {
  return "L" + std::to_string(info.param.phase + 1) + (info.param.reverse ? "Reverse" : "Forward");
}

INSTANTIATE_TEST_SUITE_P(EachPhaseEachDirection, WaveformStart,
                         ::testing::Values(StartCase{0, false}, StartCase{0, true},
                                           StartCase{1, false}, StartCase{1, true},
                                           StartCase{2, false}, StartCase{2, true}),
                         StartName);

}  // namespace
}  // namespace pro380::metering
