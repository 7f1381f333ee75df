// FleetSteps: the meter time a [[fleet]]'s meters advance by on a tick — whole seconds only, so
// that each meter is given its 1 s records whole, about once a second at speed 1, instead of a
// tenth of a record every 100 ms (docs/performance.md, "The fleet's 1 s step"). The meter time
// owed below a whole second is carried to a later tick; Flush gives it at the stop.
//
// Thread safety: none; the run loop's.
#ifndef PRO380_APP_FLEET_STEPS_H_
#define PRO380_APP_FLEET_STEPS_H_

#include <chrono>
#include <cstdint>
#include <utility>

#include "app/record_feeder.h"
#include "base/status.h"
#include "base/time.h"
#include "metering/meter.h"

namespace pro380::app {

class FleetSteps {
 public:
  // The length of a fleet meter's step: one record of the scenarios (1 s of meter time).
  static constexpr Duration kStep = std::chrono::seconds(1);

  // Adds a tick's meter time; returns the whole seconds owed now (zero on most ticks at speed 1),
  // keeping the rest for later.
  Duration Take(Duration tick) {
    owed_ += tick;
    const Duration whole = owed_ - owed_ % kStep;
    owed_ -= whole;
    return whole;
  }

  // The meter time owed below a whole second, now given (at the stop, before the final save).
  Duration Flush() { return std::exchange(owed_, Duration::zero()); }

  Duration owed() const { return owed_; }

 private:
  Duration owed_{};
};

// Feeds `count` spans of `span` one call each — a fleet meter's whole records, each its own run
// of the engine, so that its registers do not depend on how late the ticks came — and stops at
// the first error or short span (an ended source); then shows the record the meter is in now
// (RecordFeeder::ShowNext). Returns the last Feed's result, or ShowNext's error.
inline Result<Duration> FeedSpans(RecordFeeder& feeder, metering::Meter& meter, Duration span,
                                  int64_t count) {
  Result<Duration> applied = Duration::zero();
  for (int64_t i = 0; i < count; ++i) {
    applied = feeder.Feed(meter, span);
    if (!applied.ok() || *applied < span) return applied;
  }
  if (Status shown = feeder.ShowNext(meter); !shown.ok()) return shown;
  return applied;
}

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_STEPS_H_
