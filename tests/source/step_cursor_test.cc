// StepCursor (source/step_cursor.h) against the obvious model: every step of
// every planned day in one sorted list, summed up to each second. Synthetic
// plans with the awkward cases: steps running past midnight, many steps in one
// second (more than a StepSink keeps), changes that cancel within a second.
#include "source/step_cursor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "source/random.h"

namespace pro380::source {
namespace {

constexpr int64_t kDay = kSecondsPerDay;

// Day `day`'s steps: on/off pairs of random loads; some end after midnight
// (never beyond the next day), a burst of 100 steps at 12:00:00 and a pair that
// cancels at 06:00:00.
template <class Steps>
void SyntheticPlanOf(uint64_t key, int64_t day, Steps& steps) {
  SplitMix64 rng(HashAt(key, static_cast<uint64_t>(day + 1000)));
  const int64_t start = day * kDay;
  for (int i = 0; i < 400; ++i) {
    const int64_t on = start + rng.UniformInt(0, kDay - 1);
    const int64_t off = on + rng.UniformInt(1, i % 50 == 0 ? kDay : 3600);
    const auto phase = static_cast<int32_t>(rng.UniformInt(0, 2));
    const auto mw = static_cast<int32_t>(rng.UniformInt(1, 3'000'000));
    const auto mvar = static_cast<int32_t>(rng.UniformInt(-500'000, 500'000));
    steps.Add({on, phase, mw, mvar});
    steps.Add({off, phase, -mw, -mvar});
  }
  for (int i = 0; i < 100; ++i) {
    steps.Add({start + 12 * 3600, i % 3, 1000 + i, -i});
    steps.Add({start + 12 * 3600 + 1 + i % 7, i % 3, -1000 - i, i});
  }
  steps.Add({start + 6 * 3600, 1, 5000, 700});
  steps.Add({start + 6 * 3600, 1, -5000, -700});
}

// Takes the steps into a vector (the reference) as a StepSink would.
struct AllSteps {
  void Add(const LoadStep& step) { steps.push_back(step); }
  std::vector<LoadStep> steps;
};

void SyntheticPlan(int64_t day, StepSink& steps) { SyntheticPlanOf(0x5EED, day, steps); }

// The sums at every second of [from, to) from one sorted list of days
// first_day..
std::vector<PhaseLoads> Reference(int64_t first_day, int64_t from, int64_t to,
                                  uint64_t key = 0x5EED) {
  AllSteps all;
  for (int64_t day = first_day; day * kDay < to; ++day) SyntheticPlanOf(key, day, all);
  std::vector<LoadStep>& steps = all.steps;
  std::stable_sort(steps.begin(), steps.end(),
                   [](const LoadStep& a, const LoadStep& b) { return a.second < b.second; });
  std::vector<PhaseLoads> sums;
  PhaseLoads loads;
  std::size_t next = 0;
  for (int64_t second = from; second < to; ++second) {
    for (; next < steps.size() && steps[next].second <= second; ++next) {
      loads.active_mw[steps[next].phase] += steps[next].active_mw;
      loads.reactive_mvar[steps[next].phase] += steps[next].reactive_mvar;
    }
    sums.push_back(loads);
  }
  return sums;
}

bool Equal(const PhaseLoads& a, const PhaseLoads& b) {
  return a.active_mw == b.active_mw && a.reactive_mvar == b.reactive_mvar;
}

TEST(StepCursor, GivesTheSumsOfTheWholeSortedPlanAtEverySecond) {
  const int64_t first_day = 20'000;
  for (int64_t start_offset : {int64_t{0}, kDay + 12 * 3600, kDay + 13 * 3600 + 27 * 60 + 5}) {
    const int64_t from = first_day * kDay + start_offset;
    const int64_t to = (first_day + 4) * kDay;
    const auto expected = Reference(first_day, from, to);
    StepCursor cursor(first_day);
    PhaseLoads loads;
    cursor.StartAt(from, SyntheticPlan, loads);
    for (int64_t second = from; second < to; ++second) {
      if (cursor.next_due() <= second) cursor.AdvanceTo(second, SyntheticPlan, loads);
      ASSERT_TRUE(Equal(loads, expected[static_cast<std::size_t>(second - from)]))
          << "start +" << start_offset << " s, second " << second - from;
    }
  }
}

TEST(StepCursor, NextDueIsNeverLaterThanAChange) {
  const int64_t first_day = 20'100;
  const int64_t from = first_day * kDay;
  const auto expected = Reference(first_day, from, from + 3 * kDay);
  StepCursor cursor(first_day);
  PhaseLoads loads;
  cursor.StartAt(from, SyntheticPlan, loads);
  for (int64_t second = from; second < from + 3 * kDay; ++second) {
    const auto index = static_cast<std::size_t>(second - from);
    if (index > 0 && !Equal(expected[index], expected[index - 1])) {
      ASSERT_LE(cursor.next_due(), second) << second - from;
    }
    if (cursor.next_due() <= second) cursor.AdvanceTo(second, SyntheticPlan, loads);
  }
}

TEST(StepCursor, JumpsOverManyChangesAtOnce) {
  const int64_t first_day = 20'200;
  const int64_t from = first_day * kDay + 5000;
  const int64_t to = from + 3 * kDay;
  const auto expected = Reference(first_day, from, to);
  StepCursor cursor(first_day);
  PhaseLoads loads;
  cursor.StartAt(from, SyntheticPlan, loads);
  SplitMix64 rng(42);
  for (int64_t second = from; second < to; second += rng.UniformInt(1, 20'000)) {
    cursor.AdvanceTo(second, SyntheticPlan, loads);
    ASSERT_TRUE(Equal(loads, expected[static_cast<std::size_t>(second - from)])) << second - from;
  }
}

TEST(StepCursor, CursorsTakingTurnsKeepTheirOwnPlans) {
  // A fleet's meters advance one after the other on one thread: nothing of one
  // cursor's refill may leak into another's.
  const int64_t first_day = 20'300;
  const int64_t from = first_day * kDay + 777;
  const int64_t to = from + 3 * kDay;
  std::vector<std::vector<PhaseLoads>> expected;
  std::vector<StepCursor> cursors;
  std::vector<PhaseLoads> loads(3);
  const auto plan_of = [](uint64_t key) {
    return [key](int64_t day, StepSink& steps) { SyntheticPlanOf(key, day, steps); };
  };
  for (uint64_t key = 0; key < 3; ++key) {
    expected.push_back(Reference(first_day, from, to, key + 1));
    cursors.emplace_back(first_day);
    cursors.back().StartAt(from, plan_of(key + 1), loads[key]);
  }
  for (int64_t second = from; second < to; second += 7) {
    for (std::size_t m = 0; m < 3; ++m) {
      cursors[m].AdvanceTo(second, plan_of(m + 1), loads[m]);
      ASSERT_TRUE(Equal(loads[m], expected[m][static_cast<std::size_t>(second - from)]))
          << "cursor " << m << " second " << second - from;
    }
  }
}

TEST(StepCursor, StaysSmall) {
  // The point of the cursor (docs/performance.md, "The fleet"): a meter's plan
  // state is a few hundred bytes, not a day's list of steps.
  EXPECT_LE(sizeof(StepCursor), 256U);
}

}  // namespace
}  // namespace pro380::source
