#include "source/step_cursor.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace pro380::source {
namespace {

bool ByTimeAndPhase(const LoadStep& a, const LoadStep& b) {
  return a.second < b.second || (a.second == b.second && a.phase < b.phase);
}

}  // namespace

StepCursor::StepCursor(int64_t first_day)
    : first_day_(first_day),
      applied_through_(first_day * kSecondsPerDay - 1),
      buffered_through_(applied_through_) {}

std::vector<LoadStep>& StepCursor::Scratch() {
  thread_local std::vector<LoadStep> steps;
  return steps;
}

int64_t StepCursor::LastSecond(const std::vector<LoadStep>& steps) {
  int64_t last = std::numeric_limits<int64_t>::min();
  for (const LoadStep& step : steps) last = std::max(last, step.second);
  return last;
}

void StepCursor::AddBefore(const std::vector<LoadStep>& steps, int64_t second, PhaseLoads& loads) {
  for (const LoadStep& step : steps) {
    if (step.second >= second) continue;
    loads.active_mw[step.phase] += step.active_mw;
    loads.reactive_mvar[step.phase] += step.reactive_mvar;
  }
}

void StepCursor::ApplyBuffered(int64_t second, PhaseLoads& loads) {
  for (; next_ < count_; ++next_) {
    const Entry& entry = entries_[next_];
    if (base_ + static_cast<int64_t>(entry.offset_phase >> 2) > second) break;
    const uint32_t phase = entry.offset_phase & 3;
    loads.active_mw[phase] += entry.active_mw;
    loads.reactive_mvar[phase] += entry.reactive_mvar;
  }
  applied_through_ = std::min(second, buffered_through_);
}

void StepCursor::Take(std::vector<LoadStep>& steps, int64_t horizon) {
  const int64_t after = applied_through_;
  steps.erase(
      std::remove_if(steps.begin(), steps.end(),
                     [&](const LoadStep& s) { return s.second <= after || s.second > horizon; }),
      steps.end());
  // Sort only the earliest few: kSelect steps make at least kCapacity changes unless many of
  // them share seconds, and then the next refill comes sooner.
  constexpr std::size_t kSelect = 4 * kCapacity;
  int64_t limit = horizon;  // every step up to `limit` is among the first `sorted`
  std::size_t sorted = steps.size();
  if (sorted > kSelect) {
    std::nth_element(steps.begin(), steps.begin() + kSelect, steps.end(), ByTimeAndPhase);
    limit = steps[kSelect].second - 1;
    sorted = kSelect;
    if (limit <= after) {  // more than kSelect steps in the first second: sort them all
      limit = horizon;
      sorted = steps.size();
    }
  }
  std::sort(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(sorted), ByTimeAndPhase);
  base_ = after + 1;
  count_ = next_ = 0;
  for (std::size_t i = 0; i < sorted && steps[i].second <= limit;) {
    const int64_t second = steps[i].second;
    PhaseLoads change;
    for (; i < sorted && steps[i].second == second; ++i) {
      change.active_mw[steps[i].phase] += steps[i].active_mw;
      change.reactive_mvar[steps[i].phase] += steps[i].reactive_mvar;
    }
    int changed = 0;
    for (int k = 0; k < 3; ++k) changed += change.active_mw[k] != 0 || change.reactive_mvar[k] != 0;
    if (count_ + changed > kCapacity) {  // the buffer ends with whole seconds
      limit = second - 1;
      break;
    }
    for (uint32_t k = 0; k < 3; ++k) {
      if (change.active_mw[k] == 0 && change.reactive_mvar[k] == 0) continue;
      entries_[static_cast<std::size_t>(count_++)] = {
          static_cast<uint32_t>(second - base_) << 2 | k, static_cast<int32_t>(change.active_mw[k]),
          static_cast<int32_t>(change.reactive_mvar[k])};
    }
  }
  buffered_through_ = limit;
}

}  // namespace pro380::source
