// StepCursor: walks a scenario's day-by-day plan of load steps (source/step_sink.h, LoadStep) in
// time order while keeping only a few of them (docs/scenarios.md, "Memory").
//
// A plan is a pure function `plan(day, sink)` that gives a StepSink the steps of everything
// switched on during that calendar day (days since 1970-01-01); a day's steps may run past its
// midnight but end before the day after next begins. The cursor keeps the next kCapacity changes
// (steps of one second and phase merged) and, when they are used up, plans the days around its
// position again into a sink that keeps only the earliest steps not applied yet (a fixed array on
// the stack: no allocation, no sort of the day, nothing shared between cursors). Running sums of
// the applied steps are integers, so the loads are exactly what a sorted list of the whole day
// would give, whatever the order of steps within a second.
//
// Thread safety: none; one reader per cursor (cursors share nothing).
#ifndef PRO380_SOURCE_STEP_CURSOR_H_
#define PRO380_SOURCE_STEP_CURSOR_H_

#include <array>
#include <cstdint>
#include <limits>

#include "source/step_sink.h"

namespace pro380::source {

class StepCursor {
 public:
  static constexpr int kCapacity = 16;

  // Steps of days before `first_day` are taken as finished (their sums are zero).
  explicit StepCursor(int64_t first_day);

  // Adds to `loads` every step before `second` at once (construction time: no buffer) and leaves
  // the cursor there. REQUIRES: nothing applied yet.
  template <class Plan>
  void StartAt(int64_t second, const Plan& plan, PhaseLoads& loads) {
    StepSink sink = StepSink::SumBefore(second, loads);
    for (int64_t day = first_day_; day * kSecondsPerDay < second; ++day) plan(day, sink);
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

  void ApplyBuffered(int64_t second, PhaseLoads& loads);

  // Plans the days that can hold steps after applied_through_ and buffers the first of them.
  template <class Plan>
  void Refill(const Plan& plan) {
    // The day of the first second not applied, and yesterday for programmes running past
    // midnight (until its last step is applied): together every step up to the day's end.
    const int64_t day = FloorDay(applied_through_ + 1);
    const int64_t horizon = (day + 1) * kSecondsPerDay - 1;
    const bool with_yesterday = day - 1 >= first_day_ && yesterday_done_for_ != day;
    StepSink earliest = StepSink::Earliest(applied_through_, horizon);
    if (with_yesterday) {
      plan(day - 1, earliest);
      // None of yesterday's steps is left to apply: later refills of the day skip its plan.
      if (!earliest.any_wanted()) yesterday_done_for_ = day;
    }
    plan(day, earliest);
    if (TakeEarliest(earliest)) return;
    // More steps in the next second than the sink keeps: sum that second's steps instead.
    const int64_t second = earliest.SortedSteps().front().second;
    StepSink at = StepSink::SumAt(second);
    if (with_yesterday) plan(day - 1, at);
    plan(day, at);
    TakeSums(second, at.sums());
  }

  // Buffers the first changes of the steps `sink` kept, as far as they are complete, and sets
  // buffered_through_. False (nothing changed) if they are all in one second and not all of it.
  bool TakeEarliest(StepSink& sink);
  // Buffers the changes `sums` at `second` (every step of it) and sets buffered_through_ there.
  void TakeSums(int64_t second, const PhaseLoads& sums);
  // Appends the non-zero changes of `change` at `second` (room for them is checked).
  void Buffer(int64_t second, const PhaseLoads& change);

  static int64_t FloorDay(int64_t second) {
    return second / kSecondsPerDay - (second % kSecondsPerDay < 0 ? 1 : 0);
  }

  int64_t first_day_;
  int64_t applied_through_;   // every step at or before this second is in the sums
  int64_t buffered_through_;  // every step up to this second is applied or buffered
  // Every step of yesterday's plan is applied when the cursor is on this day.
  int64_t yesterday_done_for_ = std::numeric_limits<int64_t>::min();
  int64_t base_ = 0;  // second of offset 0
  int count_ = 0;     // buffered entries
  int next_ = 0;      // first entry not applied
  std::array<Entry, kCapacity> entries_{};
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_STEP_CURSOR_H_
