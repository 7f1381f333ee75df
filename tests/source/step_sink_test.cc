// StepSink (source/step_sink.h): what each kind of sink keeps of a plan's steps, against sums
// and sorts of the whole list.
#include "source/step_sink.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "source/random.h"

namespace pro380::source {
namespace {

// `count` steps at random seconds of [0, span), some seconds holding several.
std::vector<LoadStep> RandomSteps(uint64_t key, int count, int64_t span) {
  SplitMix64 rng(key);
  std::vector<LoadStep> steps;
  for (int i = 0; i < count; ++i) {
    steps.push_back({rng.UniformInt(0, span - 1), static_cast<int32_t>(rng.UniformInt(0, 2)),
                     static_cast<int32_t>(rng.UniformInt(-5000, 5000)),
                     static_cast<int32_t>(rng.UniformInt(-900, 900))});
  }
  return steps;
}

TEST(StepSink, EarliestKeepsTheEarliestStepsOfTheWindowAndSaysHowFarTheyAreComplete) {
  for (uint64_t key = 1; key <= 200; ++key) {
    const int count = static_cast<int>(key % 80);   // fewer and more than kKept
    const int64_t span = key % 3 == 0 ? 20 : 2000;  // many steps per second, or few
    const std::vector<LoadStep> steps = RandomSteps(key, count, span);
    const int64_t after = static_cast<int64_t>(key % 7) * (span / 10);
    const int64_t horizon = span - 1 - static_cast<int64_t>(key % 5);
    StepSink sink = StepSink::Earliest(after, horizon);
    for (const LoadStep& step : steps) sink.Add(step);
    const auto kept = sink.SortedSteps();
    const int64_t complete = sink.complete_through();
    ASSERT_LE(kept.size(), static_cast<std::size_t>(StepSink::kKept));
    EXPECT_TRUE(std::is_sorted(kept.begin(), kept.end(), [](const LoadStep& a, const LoadStep& b) {
      return a.second < b.second;
    }));
    for (const LoadStep& step : kept) {
      EXPECT_GT(step.second, after);
      EXPECT_LE(step.second, horizon);
    }
    // Every step of (after, complete] is kept, exactly once.
    for (int64_t second = after + 1; second <= complete; ++second) {
      const auto at = [second](const LoadStep& s) { return s.second == second; };
      EXPECT_EQ(std::count_if(kept.begin(), kept.end(), at),
                std::count_if(steps.begin(), steps.end(), at))
          << "key " << key << " second " << second;
    }
    const auto in_window = std::count_if(steps.begin(), steps.end(), [&](const LoadStep& s) {
      return s.second > after && s.second <= horizon;
    });
    EXPECT_EQ(sink.any_wanted(), in_window > 0) << "key " << key;
    if (in_window <= StepSink::kKept) {
      EXPECT_EQ(complete, horizon) << "key " << key;
      EXPECT_EQ(static_cast<long>(kept.size()), in_window) << "key " << key;
    } else {
      EXPECT_EQ(kept.size(), static_cast<std::size_t>(StepSink::kKept)) << "key " << key;
      EXPECT_EQ(complete, kept.back().second - 1) << "key " << key;
    }
  }
}

TEST(StepSink, SumBeforeAddsEveryEarlierStepAndSumAtOnlyThoseOfItsSecond) {
  const std::vector<LoadStep> steps = RandomSteps(7, 500, 100);
  PhaseLoads before;
  StepSink sum_before = StepSink::SumBefore(60, before);
  StepSink sum_at = StepSink::SumAt(60);
  PhaseLoads expected_before, expected_at;
  for (const LoadStep& step : steps) {
    sum_before.Add(step);
    sum_at.Add(step);
    PhaseLoads* expected = step.second < 60    ? &expected_before
                           : step.second == 60 ? &expected_at
                                               : nullptr;
    if (expected == nullptr) continue;
    expected->active_mw[step.phase] += step.active_mw;
    expected->reactive_mvar[step.phase] += step.reactive_mvar;
  }
  EXPECT_EQ(before.active_mw, expected_before.active_mw);
  EXPECT_EQ(before.reactive_mvar, expected_before.reactive_mvar);
  EXPECT_EQ(sum_at.sums().active_mw, expected_at.active_mw);
  EXPECT_EQ(sum_at.sums().reactive_mvar, expected_at.reactive_mvar);
  EXPECT_NE(expected_at.active_mw, (std::array<int64_t, 3>{}));  // the case is not empty
}

TEST(RoundHalfAway, IsStdLlround) {
  // Halves, values next to halves, negatives, large magnitudes and random ones.
  std::vector<double> values = {0.0,
                                -0.0,
                                0.5,
                                -0.5,
                                1.5,
                                -1.5,
                                2.5,
                                -2.5,
                                0.49999999999999994,
                                -0.49999999999999994,
                                4503599627370495.5,
                                -4503599627370495.5,
                                4503599627370497.0,
                                1e15 + 0.5,
                                -1e15 - 0.5,
                                86'399.5,
                                172'800.4};
  SplitMix64 rng(99);
  for (int i = 0; i < 100'000; ++i) {
    const double scale = i % 3 == 0 ? 2 : i % 3 == 1 ? 2e5 : 2e10;
    values.push_back(rng.Uniform(-scale, scale));
    values.push_back(std::nextafter(std::floor(values.back()) + 0.5, i % 2 == 0 ? 0.0 : 1e300));
  }
  for (double x : values) EXPECT_EQ(RoundHalfAway(x), std::llround(x)) << std::hexfloat << x;
}

}  // namespace
}  // namespace pro380::source
