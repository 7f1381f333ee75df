// StepCursor: walks a scenario's day-by-day plan of load steps (source/household_plan.h,
// LoadStep) in time order while keeping only a few of them (docs/scenarios.md, "Memory").
//
// A plan is a pure function `plan(day, steps)` that appends the steps of everything switched on
// during that calendar day (days since 1970-01-01); a day's steps may run past its midnight but
// end before the day after next begins. The cursor keeps the next kCapacity changes (steps of one
// second and phase merged) and, when they are used up, plans the days around its position again
// into a scratch vector shared by every cursor of the thread and takes the next ones. Running
// sums of the applied steps are integers, so the loads are exactly what a sorted list of the
// whole day would give, whatever the order of steps within a second.
//
// Thread safety: none per cursor; the scratch vector is thread_local.
#ifndef PRO380_SOURCE_STEP_CURSOR_H_
#define PRO380_SOURCE_STEP_CURSOR_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "source/household_plan.h"

namespace pro380::source {

// The running sums of a plan's steps, per phase.
struct PhaseLoads {
  std::array<int64_t, 3> active_mw{};
  std::array<int64_t, 3> reactive_mvar{};
};

class StepCursor {
 public:
  static constexpr int kCapacity = 16;

  // Steps of days before `first_day` are taken as finished (their sums are zero).
  explicit StepCursor(int64_t first_day);

  // Adds to `loads` every step before `second` at once (construction time: no buffer) and leaves
  // the cursor there. REQUIRES: nothing applied yet.
  template <class Plan>
  void StartAt(int64_t second, const Plan& plan, PhaseLoads& loads) {
    std::vector<LoadStep>& steps = Scratch();
    steps.clear();
    for (int64_t day = first_day_; day * kSecondsPerDay < second; ++day) plan(day, steps);
    AddBefore(steps, second, loads);
    applied_through_ = buffered_through_ = second - 1;
    count_ = next_ = 0;
  }

  // The first second at which AdvanceTo has something to do (a change or a refill).
  int64_t next_due() const {
    return next_ < count_ ? base_ + static_cast<int64_t>(entries_[next_].offset_phase >> 2)
                          : buffered_through_ + 1;
  }

  // Adds to `loads` every step at or before `second` not added yet.
  template <class Plan>
  void AdvanceTo(int64_t second, const Plan& plan, PhaseLoads& loads) {
    for (;;) {
      ApplyBuffered(second, loads);
      if (second <= buffered_through_) return;
      applied_through_ = buffered_through_;
      Refill(plan);
    }
  }

 private:
  // One change: offset from base_ in seconds (×4) plus the phase (0..2) in the low two bits.
  struct Entry {
    uint32_t offset_phase;
    int32_t active_mw;
    int32_t reactive_mvar;
  };

  static std::vector<LoadStep>& Scratch();
  static int64_t LastSecond(const std::vector<LoadStep>& steps);
  static void AddBefore(const std::vector<LoadStep>& steps, int64_t second, PhaseLoads& loads);
  void ApplyBuffered(int64_t second, PhaseLoads& loads);

  // Plans the days that can hold steps after applied_through_ and buffers the first of them.
  template <class Plan>
  void Refill(const Plan& plan) {
    std::vector<LoadStep>& steps = Scratch();
    steps.clear();
    // The day of the first second not applied, and yesterday for programmes running past
    // midnight (until its last step is applied): together every step up to the day's end.
    const int64_t day = FloorDay(applied_through_ + 1);
    if (day - 1 >= first_day_ && (day != spill_day_ || spill_end_ > applied_through_)) {
      plan(day - 1, steps);
      spill_day_ = day;
      spill_end_ = LastSecond(steps);
    }
    plan(day, steps);
    Take(steps, (day + 1) * kSecondsPerDay - 1);
  }

  // Buffers the first changes of `steps` after applied_through_ up to `horizon` (every step up
  // to it is in `steps`; `steps` is reordered) and sets buffered_through_.
  void Take(std::vector<LoadStep>& steps, int64_t horizon);

  static int64_t FloorDay(int64_t second) {
    return second / kSecondsPerDay - (second % kSecondsPerDay < 0 ? 1 : 0);
  }

  int64_t first_day_;
  int64_t applied_through_;   // every step at or before this second is in the sums
  int64_t buffered_through_;  // every step up to this second is applied or buffered
  int64_t spill_day_ = std::numeric_limits<int64_t>::min();  // yesterday's last step is known
                                                             // for this day:
  int64_t spill_end_ = 0;                                    // its second
  int64_t base_ = 0;                                         // second of offset 0
  int count_ = 0;                                            // buffered entries
  int next_ = 0;                                             // first entry not applied
  std::array<Entry, kCapacity> entries_{};
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_STEP_CURSOR_H_
