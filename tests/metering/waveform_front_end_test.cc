// The waveform front end on clean analytic stimuli: per-cycle values, frequency, segmentation at
// any block size, missing phases, no voltage (the zero-crossing timeout), CT scaling, the 3P3W
// display conventions, the integer and interleaved input paths, and non-finite samples.
#include "metering/waveform_front_end.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "metering/input_limits.h"
#include "metering/meter.h"
#include "testing/waveform_stimulus.h"

namespace pro380::metering {
namespace {

using testing::Balanced;
using testing::Planar;
using testing::RegisteredJoules;
using testing::Sample;
using testing::Signal;
using testing::ThreePhase;

constexpr double kFs = 6400;  // 128 samples per cycle at 50 Hz; 142.2 at 45 Hz; 106.7 at 60 Hz
constexpr double kPhi60 = std::numbers::pi / 3;

std::vector<Interval> Intervals(const Planar& samples, const FrontEndConfig& config,
                                std::size_t block, FrontEndStats* stats = nullptr) {
  WaveformFrontEnd front_end(config);
  std::vector<Interval> out;
  const auto keep = [&out](const Interval& interval) { out.push_back(interval); };
  for (std::size_t from = 0; from < samples.samples; from += block) {
    front_end.Process(samples.Block(from, std::min(block, samples.samples - from)), keep);
  }
  front_end.Flush(keep);
  if (stats) *stats = front_end.stats();
  return out;
}

FrontEndConfig Config(Wiring wiring = Wiring::k3P4W) {
  FrontEndConfig config;
  config.sample_rate_hz = kFs;
  config.wiring = wiring;
  return config;
}

// Σ v·i / fs of one phase: the energy of exactly these samples (midpoint rule).
double SampledJoules(const Planar& samples, int phase) {
  double sum = 0;
  for (std::size_t n = 0; n < samples.samples; ++n) {
    sum += double{samples.ch[VoltageChannel(phase)][n]} * samples.ch[CurrentChannel(phase)][n];
  }
  return sum / kFs;
}

Duration Total(const std::vector<Interval>& intervals) {
  Duration sum{};
  for (const Interval& i : intervals) sum += i.duration;
  return sum;
}

TEST(WaveformFrontEnd, WholeCyclesOfABalancedSineShowTheExactValues) {
  const ThreePhase s = Balanced(230, 10, kPhi60, 45);
  const Planar samples = Sample(s, kFs, 6400);
  FrontEndStats stats;
  const auto intervals = Intervals(samples, Config(), 6400, &stats);
  EXPECT_EQ(stats.cycles, 43);  // crossings at 1..44 periods; the first only arms
  // The part cycles at both ends, then 43 whole cycles, then the flush: the part cycle after
  // the last crossing and a zero-length repeat of the last whole cycle.
  ASSERT_EQ(intervals.size(), 46u);
  EXPECT_EQ(intervals.back().duration, Duration::zero());
  for (std::size_t n = 1; n + 2 < intervals.size(); ++n) {
    const Interval& iv = intervals[n];
    // Linear interpolation of the crossings: ~1e-7 of a period.
    EXPECT_NEAR(ToSeconds(iv.duration), 1 / 45.0, 1e-8);
    EXPECT_NEAR(iv.frequency_hz, 45, 1e-4);
    for (int k = 0; k < 3; ++k) {
      const PhaseValues& p = iv.phase[k];
      // Cycle boundaries fall inside sample cells (142.2 samples per cycle), so one cycle's
      // squares and products see their 2f ripple over a window a fraction of a sample off a
      // whole period: ~1e-4 of the ripple amplitude. Consecutive cycles share that error with
      // opposite signs, so energies add up exactly (the accuracy tests).
      EXPECT_NEAR(p.voltage_v, 230, 230 * 1e-4) << n << " L" << k + 1;
      EXPECT_NEAR(p.current_a, 10, 10 * 1e-4);
      EXPECT_NEAR(p.apparent_va, 2300, 2300 * 2e-4);
      EXPECT_NEAR(p.active_w, 1150, 2300 * 3e-4);
      EXPECT_NEAR(p.reactive_var, 2300 * std::sin(kPhi60), 2300 * 2e-6);
    }
  }
  EXPECT_EQ(Total(intervals), FromSeconds(1.0));
}

TEST(WaveformFrontEnd, ReverseFlowGivesNegativePowerAndCurrent) {
  ThreePhase s = Balanced(230, 5, 0, 50);
  for (auto& i : s.i) i = i * -1.0;
  const auto intervals = Intervals(Sample(s, kFs, 1280), Config(), 1280);
  const PhaseValues& p = intervals[3].phase[1];
  EXPECT_NEAR(p.active_w, -1150, 1e-3);
  EXPECT_NEAR(p.current_a, -5, 1e-5);
  EXPECT_NEAR(p.apparent_va, 1150, 1e-3);
}

TEST(WaveformFrontEnd, FrequencyFromInterpolatedCrossings) {
  for (double f : {45.0, 47.3, 49.87, 50.0, 50.5, 59.94, 60.0, 65.0}) {
    const ThreePhase s = Balanced(230, 1, 0, f);
    WaveformFrontEnd front_end(Config());
    const Planar samples = Sample(s, kFs, 2 * 6400);
    front_end.Process(samples.Block(0, samples.samples), [](const Interval&) {});
    EXPECT_NEAR(front_end.frequency_hz(), f, 1e-5) << f;
  }
}

TEST(WaveformFrontEnd, ReportedFrequencyFollowsAStepWithinAFewSeconds) {
  // 50 Hz for 2 s then 51 Hz for 6 s, phase-continuous at the step.
  WaveformFrontEnd front_end(Config());
  std::vector<double> reported;
  const auto keep = [&reported](const Interval& i) { reported.push_back(i.frequency_hz); };
  const Planar a = Sample(Balanced(230, 1, 0, 50), kFs, 2 * 6400);
  front_end.Process(a.Block(0, a.samples), keep);
  EXPECT_NEAR(front_end.frequency_hz(), 50, 1e-6);
  const Planar b = Sample(Balanced(230, 1, 0, 51), kFs, 6 * 6400);
  front_end.Process(b.Block(0, b.samples), keep);
  EXPECT_NEAR(front_end.frequency_hz(), 51, 51 * 1e-2 * std::exp(-5.0));
  EXPECT_LT(reported[110], 51);  // smoothed, not jumping: ~1 s after the step
}

TEST(WaveformFrontEnd, SameIntervalsForEveryBlockSize) {
  const ThreePhase s = Balanced(231, 7, 0.3, 47.3);
  const Planar samples = Sample(s, kFs, 3 * 6400 + 77);
  const auto reference = Intervals(samples, Config(), samples.samples);
  for (std::size_t block : {1u, 2u, 3u, 7u, 64u, 127u, 128u, 129u, 135u, 1000u, 4095u}) {
    const auto got = Intervals(samples, Config(), block);
    ASSERT_EQ(got.size(), reference.size()) << block;
    for (std::size_t n = 0; n < got.size(); ++n) {
      EXPECT_EQ(got[n].duration, reference[n].duration) << block << " #" << n;
      for (int k = 0; k < 3; ++k) {
        EXPECT_DOUBLE_EQ(got[n].phase[k].active_w, reference[n].phase[k].active_w) << block;
        EXPECT_DOUBLE_EQ(got[n].phase[k].reactive_var, reference[n].phase[k].reactive_var);
        EXPECT_DOUBLE_EQ(got[n].phase[k].voltage_v, reference[n].phase[k].voltage_v);
      }
    }
  }
}

TEST(WaveformFrontEnd, IntervalsTileTheStreamExactly) {
  const ThreePhase s = Balanced(230, 1, 0, 49.87);
  for (std::size_t count : {1u, 50u, 128u, 6399u, 6400u, 12345u}) {
    const auto intervals = Intervals(Sample(s, kFs, count), Config(), 1000);
    EXPECT_EQ(Total(intervals), Duration(std::llround(count * 1e9 / kFs))) << count;
  }
}

TEST(WaveformFrontEnd, MissingL1FallsBackToL2AndMetersTheOthersExactly) {
  ThreePhase s = Balanced(230, 10, kPhi60, 50);
  s.v[0] = Signal();
  s.i[0] = Signal();
  Meter meter(MeterConfig{});
  const FrontEndStats stats = testing::Feed(meter, Sample(s, kFs, 6400), kFs, 500);
  EXPECT_EQ(stats.reference_phase, 1);
  EXPECT_EQ(stats.timeouts, 1);  // L1 gave no crossing within 1/40 s
  EXPECT_EQ(RegisteredJoules(meter, EnergyKind::kActive, 0), 0);
  for (int k = 1; k < 3; ++k) {
    EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, k), 1150, 1150 * 1e-4);
    EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kReactive, k), 2300 * std::sin(kPhi60),
                2300 * 5e-4);
  }
  EXPECT_FALSE(meter.diagnostics().phase_present[0]);
  EXPECT_TRUE(meter.diagnostics().phase_present[1]);
}

TEST(WaveformFrontEnd, L1ComingBackBecomesTheReferenceAgain) {
  ThreePhase without_l1 = Balanced(230, 10, 0, 50);
  without_l1.v[0] = Signal();
  const ThreePhase full = Balanced(230, 10, 0, 50);
  WaveformFrontEnd front_end(Config());
  const Planar a = Sample(without_l1, kFs, 6400);
  const Planar b = Sample(full, kFs, 6400);
  front_end.Process(a.Block(0, a.samples), [](const Interval&) {});
  EXPECT_EQ(front_end.stats().reference_phase, 1);
  front_end.Process(b.Block(0, b.samples), [](const Interval&) {});
  EXPECT_EQ(front_end.stats().reference_phase, 0);
}

TEST(WaveformFrontEnd, NoVoltageAdvancesTimeAtTheNominalPeriodAndRegistersNothing) {
  ThreePhase s = Balanced(0, 30, 0, 50);
  for (auto& v : s.v) v = Signal::Sine(1.0, 0, 7);  // a little noise-like voltage, never armed
  Meter meter(MeterConfig{});
  const FrontEndStats stats = testing::Feed(meter, Sample(s, kFs, 3 * 6400), kFs, 999);
  EXPECT_EQ(stats.cycles, 0);
  EXPECT_EQ(stats.timeouts, 149);  // 3 s at 20 ms, the last 20 ms closed by the flush
  EXPECT_EQ(meter.now() - meter.config().start, std::chrono::seconds(3));
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, k), 0, 1e-3);
  }
  EXPECT_EQ(meter.led(EnergyKind::kActive).pulses(), 0);
}

TEST(WaveformFrontEnd, CtMeterScalesCurrentsToPrimaryValues) {
  MeterConfig config;
  config.ct_variant = true;
  config.ct_ratio = 100;  // 100/5: × 20
  Meter meter(config);
  ASSERT_EQ(meter.current_scale(), 20);
  const ThreePhase s = Balanced(230, 1.5, 0, 50);  // terminal current 1.5 A = 30 A primary
  testing::Feed(meter, Sample(s, kFs, 6400), kFs, 6400);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, k), 230 * 30, 230 * 30 * 1e-5);
    EXPECT_NEAR(meter.instantaneous().phase[k].current_a, 30, 30 * 1e-5);
  }
}

TEST(WaveformFrontEnd, ThreeWireShowsLineVoltagesAndLineCurrents) {
  // φ = 30°: element 1 sees I1 60° behind U12, element 3 sees I3 in phase with U32.
  const double phi = kPhi60 / 2;
  const ThreePhase s = Balanced(230, 10, phi, 50);
  const auto intervals = Intervals(Sample(s, kFs, 1280), Config(Wiring::k3P3W), 1280);
  const Interval& iv = intervals[4];
  const double line = 230 * std::sqrt(3.0);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(iv.phase[k].voltage_v, line, line * 1e-6) << k;
  EXPECT_NEAR(iv.phase[0].current_a, 10, 1e-4);
  EXPECT_NEAR(iv.phase[1].current_a, 10, 1e-4);
  EXPECT_NEAR(iv.phase[2].current_a, 10, 1e-4);
  EXPECT_EQ(iv.phase[1].active_w, 0);
  EXPECT_EQ(iv.phase[1].reactive_var, 0);
  // Two-wattmeter sums: P = 3·U·I·cos φ, Q1 = 3·U·I·sin φ.
  EXPECT_NEAR(iv.phase[0].active_w, line * 10 * 0.5, 1e-2);
  EXPECT_NEAR(iv.phase[2].active_w, line * 10, 1e-2);
  EXPECT_NEAR(iv.phase[0].active_w + iv.phase[2].active_w, 3 * 2300 * std::cos(phi), 1e-2);
  EXPECT_NEAR(iv.phase[0].reactive_var + iv.phase[2].reactive_var, 3 * 2300 * std::sin(phi), 1e-2);
}

TEST(WaveformFrontEnd, IntegerAndInterleavedInputMatchTheFloatPath) {
  const ThreePhase s = Balanced(230, 10, kPhi60, 50);
  const Planar samples = Sample(s, kFs, 3200);
  const double v_lsb = 0.02, i_lsb = 0.001;
  std::vector<int16_t> interleaved(6 * samples.samples);
  std::array<std::vector<int32_t>, 6> planar32;
  for (int c = 0; c < 6; ++c) {
    const double lsb = c % 2 ? i_lsb : v_lsb;
    planar32[c].resize(samples.samples);
    for (std::size_t n = 0; n < samples.samples; ++n) {
      const auto raw = static_cast<int32_t>(std::lround(samples.ch[c][n] / lsb));
      interleaved[6 * n + c] = static_cast<int16_t>(raw);
      planar32[c][n] = raw;
    }
  }
  SampleBlock i16;
  i16.type = SampleType::kInt16;
  i16.stride = 6;
  SampleBlock i32;
  i32.type = SampleType::kInt32;
  for (int c = 0; c < 6; ++c) {
    i16.channel[c] = interleaved.data() + c;
    i32.channel[c] = planar32[c].data();
    i16.scale[c] = i32.scale[c] = c % 2 ? i_lsb : v_lsb;
  }
  i16.samples = i32.samples = samples.samples;
  const auto run = [](const SampleBlock& block) {
    WaveformFrontEnd front_end(Config());
    std::vector<Interval> out;
    front_end.Process(block, [&out](const Interval& i) { out.push_back(i); });
    return out;
  };
  const auto a = run(i16);
  const auto b = run(i32);
  const auto f = run(samples.Block(0, samples.samples));
  ASSERT_EQ(a.size(), f.size());
  ASSERT_EQ(b.size(), f.size());
  for (std::size_t n = 0; n < f.size(); ++n) {
    EXPECT_EQ(a[n].duration, b[n].duration);
    EXPECT_DOUBLE_EQ(a[n].phase[0].active_w, b[n].phase[0].active_w);
    EXPECT_NEAR(a[n].phase[0].active_w, f[n].phase[0].active_w, 0.05);
    EXPECT_NEAR(a[n].duration.count(), f[n].duration.count(), 200);
  }
}

TEST(WaveformFrontEnd, NonFiniteSamplesRegisterNothingForTheirSegment) {
  const ThreePhase s = Balanced(230, 10, 0, 50);
  Planar samples = Sample(s, kFs, 6400);
  samples.ch[1][1000] = std::numeric_limits<float>::quiet_NaN();
  Meter meter(MeterConfig{});
  const FrontEndStats stats = testing::Feed(meter, samples, kFs, 6400);
  EXPECT_EQ(stats.invalid_segments, 1);
  // One cycle of L1 is lost; L2 and L3 are whole.
  EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, 0), 2300 * 0.98, 2300 * 1e-4);
  EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, 1), 2300, 2300 * 1e-4);
}

// The input limits (metering/input_limits.h) hold per cycle: a cycle that measures beyond them
// registers nothing and is counted, with its samples and the first value beyond named.
TEST(WaveformFrontEnd, CyclesBeyondTheInputLimitsRegisterNothingAndAreNamed) {
  // 1e6 A on L1 over the second 10th of a second: far beyond 10 000 A, still finite in float.
  Planar samples = Sample(Balanced(230, 10, 0, 50), kFs, 6400);
  for (std::size_t n = 640; n < 1280; ++n) samples.ch[1][n] *= 1e5F;
  for (Wiring wiring : {Wiring::k3P4W, Wiring::k3P3W}) {
    FrontEndStats stats;
    const auto intervals = Intervals(samples, Config(wiring), 500, &stats);
    EXPECT_EQ(Total(intervals), FromSeconds(1.0));
    EXPECT_GE(stats.out_of_range_segments, 5);
    EXPECT_LE(stats.out_of_range_segments, 6);
    // The first cycle beyond starts at sample 640 (or 639 and a fraction).
    EXPECT_EQ(stats.first_out_of_range.rfind("samples 6", 0), 0U) << stats.first_out_of_range;
    EXPECT_NE(stats.first_out_of_range.find("phase 1 current"), std::string::npos)
        << stats.first_out_of_range;
    EXPECT_NE(stats.first_out_of_range.find("is outside -10000..10000 A"), std::string::npos)
        << stats.first_out_of_range;
    for (const Interval& interval : intervals) {
      EXPECT_TRUE(metering::ElementsWithinLimits(interval, wiring));
    }
  }
}

TEST(WaveformFrontEnd, CyclesAtTheInputLimitsPass) {
  // Just inside the star limits (300 V, 10 000 A, 3 MW) on every phase, with room for the
  // rounding of float samples.
  const Planar samples = Sample(Balanced(299.9, 9'999, 0, 50), kFs, 6400);
  FrontEndStats stats;
  const auto intervals = Intervals(samples, Config(), 6400, &stats);
  EXPECT_EQ(stats.out_of_range_segments, 0) << stats.first_out_of_range;
  EXPECT_NEAR(intervals[10].phase[0].active_w, 299.9 * 9'999, 3e6 * 1e-5);
}

// Found by tests/fuzz/wave_reader: an infinite sample just before a crossing made the crossing
// position NaN, which was then converted to integer nanoseconds.
TEST(WaveformFrontEnd, InfiniteSamplesAtACrossingKeepTheIntervalsTilingTheStream) {
  const ThreePhase s = Balanced(230, 10, 0, 50);
  for (const float bad :
       {-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()}) {
    Planar samples = Sample(s, kFs, 6400);
    // L1's rising crossings are at multiples of 128 samples.
    samples.ch[0][bad < 0 ? 1279 : 1280] = bad;
    FrontEndStats stats;
    const auto intervals = Intervals(samples, Config(), 6400, &stats);
    EXPECT_EQ(Total(intervals), FromSeconds(1.0)) << bad;
    EXPECT_GE(stats.invalid_segments, 1) << bad;
  }
}

TEST(WaveformFrontEnd, AStreamEndingMidCycleLeavesTheMeterShowingAWholeCycle) {
  // PF 0.5 inductive; a quarter cycle after the last crossing the mean of v·i is negative.
  const ThreePhase s = Balanced(230, 10, kPhi60, 50);
  const Planar samples = Sample(s, kFs, 6400 + 32);
  Meter meter(MeterConfig{});
  testing::Feed(meter, samples, kFs, 6400 + 32);
  for (int k = 0; k < 3; ++k) {
    const PhaseValues& p = meter.instantaneous().phase[k];
    EXPECT_NEAR(p.active_w, 1150, 1e-3) << k;
    EXPECT_NEAR(p.current_a, 10, 1e-5);
  }
  // The quarter cycle itself registered its own (negative) energy: the total is the samples'.
  EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, 0), SampledJoules(samples, 0),
              1150 * 1e-6);
  EXPECT_LT(SampledJoules(samples, 0), 1150 * (6400 + 32) / kFs);
}

TEST(WaveformFrontEnd, SamplesAfterAFlushStartANewStream) {
  const ThreePhase s = Balanced(230, 10, 0, 49.5);
  const Planar samples = Sample(s, kFs, 12345);
  Meter meter(MeterConfig{});
  FrontEndConfig config = Config();
  WaveformFrontEnd front_end(config);
  const auto apply = [&meter](const Interval& i) { meter.Apply(i); };
  front_end.Process(samples.Block(0, 5000), apply);
  front_end.Flush(apply);
  front_end.Process(samples.Block(5000, 7345), apply);
  front_end.Flush(apply);
  EXPECT_EQ(meter.now() - meter.config().start, Duration(std::llround(12345 * 1e9 / kFs)));
  const double sampled = SampledJoules(samples, 0);
  EXPECT_NEAR(RegisteredJoules(meter, EnergyKind::kActive, 0), sampled, sampled * 1e-6);
}

TEST(WaveformFrontEnd, ConfigOutsideItsRangesIsRejectedWithTheField) {
  FrontEndConfig config = Config();
  config.sample_rate_hz = 500;
  EXPECT_NE(WaveformFrontEnd::CheckConfig(config).message().find("sample rate 500"),
            std::string::npos);
  config = Config();
  config.current_scale = 0;
  EXPECT_FALSE(WaveformFrontEnd::CheckConfig(config).ok());
  config = Config();
  config.nominal_frequency_hz = 80;
  EXPECT_FALSE(WaveformFrontEnd::CheckConfig(config).ok());
  EXPECT_TRUE(WaveformFrontEnd::CheckConfig(Config()).ok());
}

}  // namespace
}  // namespace pro380::metering
