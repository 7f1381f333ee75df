#include "source/step_cursor.h"

#include <algorithm>
#include <cstddef>

namespace pro380::source {

StepCursor::StepCursor(int64_t first_day)
    : first_day_(first_day),
      applied_through_(first_day * kSecondsPerDay - 1),
      buffered_through_(applied_through_) {}

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

bool StepCursor::TakeEarliest(StepSink& sink) {
  const std::span<const LoadStep> steps = sink.SortedSteps();
  int64_t limit = sink.complete_through();  // every step up to it is in `steps`
  if (!steps.empty() && limit < steps.front().second) return false;
  base_ = applied_through_ + 1;
  count_ = next_ = 0;
  for (std::size_t i = 0; i < steps.size() && steps[i].second <= limit;) {
    const int64_t second = steps[i].second;
    PhaseLoads change;
    for (; i < steps.size() && steps[i].second == second; ++i) {
      change.active_mw[steps[i].phase] += steps[i].active_mw;
      change.reactive_mvar[steps[i].phase] += steps[i].reactive_mvar;
    }
    int changed = 0;
    for (int k = 0; k < 3; ++k) changed += change.active_mw[k] != 0 || change.reactive_mvar[k] != 0;
    if (count_ + changed > kCapacity) {  // the buffer ends with whole seconds
      limit = second - 1;
      break;
    }
    Buffer(second, change);
  }
  buffered_through_ = limit;
  return true;
}

void StepCursor::TakeSums(int64_t second, const PhaseLoads& sums) {
  base_ = applied_through_ + 1;
  count_ = next_ = 0;
  Buffer(second, sums);
  buffered_through_ = second;
}

void StepCursor::Buffer(int64_t second, const PhaseLoads& change) {
  for (uint32_t k = 0; k < 3; ++k) {
    if (change.active_mw[k] == 0 && change.reactive_mvar[k] == 0) continue;
    entries_[static_cast<std::size_t>(count_++)] = {static_cast<uint32_t>(second - base_) << 2 | k,
                                                    static_cast<int32_t>(change.active_mw[k]),
                                                    static_cast<int32_t>(change.reactive_mvar[k])};
  }
}

}  // namespace pro380::source
