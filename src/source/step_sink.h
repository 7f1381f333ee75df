// StepSink: where a scenario's day plan puts its load steps (docs/scenarios.md, "Memory"). A plan
// is a pure function of the day that states every step of it; the sink keeps only what the
// StepCursor asked for, so no plan is ever stored or sorted whole:
//   - Earliest(after, horizon): the kKept earliest steps in (after, horizon] (a refill);
//   - SumBefore(second, loads): adds every step before `second` to `loads` (a source's start);
//   - SumAt(second): the sums of the steps at exactly `second`, per phase (a second with more
//     steps than Earliest keeps).
// A plan may leave out steps the sink does not want (Wants): that is where a refill saves its time.
// No allocation: a sink lives on the stack for one question.
//
// Thread safety: none; one sink per question.
#ifndef PRO380_SOURCE_STEP_SINK_H_
#define PRO380_SOURCE_STEP_SINK_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

namespace pro380::source {

inline constexpr int64_t kSecondsPerDay = 86'400;

// A step change of one phase's load at a whole second of meter time. Powers are integer mW and
// mvar so that the running sums of steps are exact: after an appliance's on and off steps the
// load is exactly what it was before.
struct LoadStep {
  int64_t second;  // seconds since 1970-01-01T00:00:00 of meter time
  int32_t phase;   // 0, 1, 2 = L1, L2, L3
  int32_t active_mw;
  int32_t reactive_mvar;
};

// The running sums of a plan's steps, per phase.
struct PhaseLoads {
  std::array<int64_t, 3> active_mw{};
  std::array<int64_t, 3> reactive_mvar{};
};

// std::llround (and std::lround) for finite |x| < 2^62 without the call into libm: rounds half
// away from zero. x - trunc(x) is exact, so the result is the same in every case.
inline int64_t RoundHalfAway(double x) {
  const double whole = std::trunc(x);
  const double rest = x - whole;
  return static_cast<int64_t>(whole) + (rest >= 0.5 ? 1 : 0) - (rest <= -0.5 ? 1 : 0);
}

class StepSink {
 public:
  // What Earliest keeps: enough steps for the cursor's 16 changes with room for seconds that
  // hold several steps.
  static constexpr int kKept = 32;

  static StepSink Earliest(int64_t after, int64_t horizon) {
    return StepSink(after + 1, horizon, nullptr);
  }
  static StepSink SumBefore(int64_t second, PhaseLoads& loads) {
    return StepSink(std::numeric_limits<int64_t>::min(), second - 1, &loads);
  }
  static StepSink SumAt(int64_t second) { return StepSink(second, second, nullptr, true); }

  StepSink(const StepSink&) = delete;
  StepSink& operator=(const StepSink&) = delete;

  // Whether a step at `second` would be used. Plans may skip the steps it refuses (and whole
  // cycles of them, with Overlaps) before computing their powers.
  bool Wants(int64_t second) const { return second >= from_ && second <= to_; }
  // Whether any step in [first, last] would be used.
  bool Overlaps(int64_t first, int64_t last) const { return last >= from_ && first <= to_; }

  void Add(const LoadStep& step) {
    if (!Wants(step.second) || sorted_) return;
    any_wanted_ = true;
    if (sums_ != nullptr) {
      sums_->active_mw[step.phase] += step.active_mw;
      sums_->reactive_mvar[step.phase] += step.reactive_mvar;
      return;
    }
    Keep(step);
  }

  // Whether any step given was wanted (for Earliest: whether the plan has steps in the window).
  bool any_wanted() const { return any_wanted_; }

  // Earliest: the steps kept, sorted by second (steps of one second in no particular order; no
  // step is kept after this call), and
  // the last second up to which they are every step of the window (the horizon, or the second
  // before the last one kept if any step was left out).
  std::span<const LoadStep> SortedSteps();
  int64_t complete_through() const;

  // SumAt: the sums.
  const PhaseLoads& sums() const { return own_sums_; }

 private:
  StepSink(int64_t from, int64_t to, PhaseLoads* sums, bool sum_here = false)
      : from_(from), to_(to), sums_(sum_here ? &own_sums_ : sums) {}

  // Keeps `step` among the kKept earliest (a max-heap by second); once full, narrows the window
  // to the latest kept second.
  void Keep(const LoadStep& step);

  int64_t from_;
  int64_t to_;
  PhaseLoads* sums_;  // summing sinks: where to add
  bool any_wanted_ = false;
  bool left_out_ = false;  // Earliest: a step in the window was not kept
  bool sorted_ = false;    // kept_ is sorted, no longer a heap
  int count_ = 0;
  PhaseLoads own_sums_;
  std::array<LoadStep, kKept> kept_{};
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_STEP_SINK_H_
