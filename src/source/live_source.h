// LiveSource: the latest values of a live feed (MQTT, the REST API) turned into records of the
// metering engine as meter time advances. Pure: the feed's values and their arrival time (meter
// time) come in through Update; records come out through Read, one short record per call, so a
// new value reaches the meter within one record step. The design and every decision are in
// docs/sources.md, "Live sources".
//
//   fresh      values younger than `stale`: shown and registered as fed
//   stale      older than `stale`: still shown and registered (sample and hold), marked stale
//   timed out  older than `timeout`: zero current and power, voltage and frequency held
//   waiting    nothing received yet: as timed out, with nominal voltage and frequency
//
// Thread safety: none; one thread (the meters' loop) updates and reads it.
#ifndef PRO380_SOURCE_LIVE_SOURCE_H_
#define PRO380_SOURCE_LIVE_SOURCE_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "metering/interval.h"
#include "source/record_source.h"

namespace pro380::source {

// What one message of a feed states. Every value is optional; SI units (V, A, W, var, Hz).
struct LiveReading {
  struct Phase {
    std::optional<double> voltage_v;
    std::optional<double> current_a;
    std::optional<double> active_w;
    std::optional<double> reactive_var;
  };
  std::array<Phase, metering::kPhaseCount> phase{};
  std::optional<double> frequency_hz;

  bool empty() const;
};

struct LiveTimeouts {
  Duration stale = std::chrono::seconds(10);
  Duration timeout = std::chrono::seconds(60);
  // The longest record Read yields: the most a new value can lag behind its arrival.
  Duration record_step = std::chrono::milliseconds(100);
};

// Checks stale > 0, timeout >= stale, record_step > 0; the message names the offending one.
Status ValidateLiveTimeouts(const LiveTimeouts& timeouts);

enum class LiveState : uint8_t { kWaiting, kFresh, kStale, kTimedOut };

// "waiting", "fresh", "stale", "timed_out": the state's name in REST, metrics and logs.
std::string_view LiveStateName(LiveState state);

struct LiveStatus {
  LiveState state = LiveState::kWaiting;
  std::optional<TimePoint> last_update;  // meter time of the last accepted reading
  uint64_t accepted = 0;                 // readings taken
  uint64_t rejected = 0;                 // readings refused by Update (nothing changed)
  // True unless fresh: the values shown are not (or no longer) measured.
  bool stale() const { return state != LiveState::kFresh; }
};

// One step of a scripted load profile: `reading` is taken `after` the schedule's start.
struct ScheduledReading {
  Duration after{};
  LiveReading reading;
};

class LiveSource : public RecordSource {
 public:
  // Records start at meter time `start`.
  LiveSource(TimePoint start, const LiveTimeouts& timeouts);

  // Takes what `reading` states, at meter time `arrival`. Per phase, a reading that states any
  // of current, active or reactive power replaces that phase's load as a whole (what it leaves
  // out is derived, docs/sources.md); voltage and frequency are taken when stated. A reading
  // that states nothing, a value outside the input limits (metering/input_limits.h) or a
  // derived current or apparent power outside them is refused with a message naming the value:
  // nothing changes and `rejected` counts it.
  Status Update(const LiveReading& reading, TimePoint arrival);

  // Replaces the schedule (and clears any pending one): each step is taken as an Update at
  // meter time `start + after`, as Read's cursor reaches it (records are split there). While
  // steps are pending the source counts as fresh (the schedule is the feed); after the last one,
  // ages count from it. Steps must be in order of `after` (>= 0), each must be accepted after
  // the ones before it; otherwise nothing changes and the message names the step (0-based).
  // An Update outside the schedule clears it (the caller took over).
  Status SetSchedule(std::vector<ScheduledReading> steps, TimePoint start);
  std::size_t pending_steps() const { return schedule_.size() - next_step_; }

  // Yields one record at the cursor, at most record_step long and ending where the state
  // changes from stale to timed out, so the zeros start exactly at the timeout. Never ends.
  Result<std::size_t> Read(std::span<metering::Interval> out) override;

  // The state at meter time `now` and the counters.
  LiveStatus status(TimePoint now) const;
  // The record the source gives at meter time `now` (what Read would yield there).
  metering::Interval RecordAt(TimePoint now) const;
  TimePoint cursor() const { return cursor_; }
  const LiveTimeouts& timeouts() const { return timeouts_; }

 private:
  // What the feed last stated for a phase; the rest is derived when a record is made.
  struct PhaseInputs {
    std::optional<double> voltage_v;
    std::optional<double> current_a;
    std::optional<double> active_w;
    std::optional<double> reactive_var;
  };
  Status Take(const LiveReading& reading, TimePoint arrival);
  void TakeDueSteps();
  LiveState StateAt(TimePoint now) const;
  metering::Interval Measured(const std::array<PhaseInputs, metering::kPhaseCount>& inputs,
                              std::optional<double> frequency_hz) const;

  LiveTimeouts timeouts_;
  TimePoint cursor_;
  std::array<PhaseInputs, metering::kPhaseCount> inputs_{};
  std::optional<double> frequency_hz_;
  metering::Interval measured_{};  // derived from inputs_ at the last accepted Update
  std::optional<TimePoint> last_update_;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  std::vector<std::pair<TimePoint, LiveReading>> schedule_;
  std::size_t next_step_ = 0;
};

// A phase's values from what a feed stated (docs/sources.md, "Deriving what a feed leaves out"):
// U defaults to `voltage_v` (the held or nominal voltage); with P and/or Q stated, S =
// sqrt(P² + Q²) and I = S/U signed like P unless I is stated (then |I| is kept, signed like P,
// and S = U·|I|, raised to sqrt(P² + Q²) if a feed's rounding made it smaller); with only I
// stated, P = U·I (power factor 1) and Q = 0.
metering::PhaseValues DerivePhase(double voltage_v, std::optional<double> current_a,
                                  std::optional<double> active_w,
                                  std::optional<double> reactive_var);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_LIVE_SOURCE_H_
