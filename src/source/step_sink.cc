#include "source/step_sink.h"

#include <cstddef>

namespace pro380::source {
namespace {

// A function object, not a function: the heap operations inline it.
struct EarlierSecond {
  bool operator()(const LoadStep& a, const LoadStep& b) const { return a.second < b.second; }
};

}  // namespace

void StepSink::Keep(const LoadStep& step) {
  if (count_ < kKept) {
    kept_[static_cast<std::size_t>(count_++)] = step;
    std::push_heap(kept_.begin(), kept_.begin() + count_, EarlierSecond{});
    return;
  }
  left_out_ = true;
  if (step.second < kept_.front().second) {
    std::pop_heap(kept_.begin(), kept_.end(), EarlierSecond{});
    kept_.back() = step;
    std::push_heap(kept_.begin(), kept_.end(), EarlierSecond{});
  }
  // Steps after the latest kept second can no longer be among the earliest; steps at it may
  // still come and are left out too (complete_through() stops before it).
  to_ = kept_.front().second;
}

std::span<const LoadStep> StepSink::SortedSteps() {
  if (!sorted_) std::sort_heap(kept_.begin(), kept_.begin() + count_, EarlierSecond{});
  sorted_ = true;
  return {kept_.data(), static_cast<std::size_t>(count_)};
}

int64_t StepSink::complete_through() const { return left_out_ ? to_ - 1 : to_; }

}  // namespace pro380::source
