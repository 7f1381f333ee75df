// RecordFeeder: drives a Meter from a RecordSource by meter time. Records are applied whole
// where they fit and split where a span ends inside one, so a run ends exactly at its duration
// and a live meter advances exactly with its (sped-up) clock.
//
// Thread safety: none.
#ifndef PRO380_APP_RECORD_FEEDER_H_
#define PRO380_APP_RECORD_FEEDER_H_

#include <cstddef>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "metering/meter.h"
#include "source/record_source.h"

namespace pro380::app {

class RecordFeeder {
 public:
  explicit RecordFeeder(source::RecordSource& source, std::size_t batch = 4096);

  // Applies up to `span` of meter time. Returns the time applied: less than `span` only when the
  // source has ended. A source error is returned as is; what was applied before it stays.
  Result<Duration> Feed(metering::Meter& meter, Duration span);

  // Shows the record the meter is in now (the next one Feed would give) as its instantaneous
  // values without advancing it: a zero-length part of that record, which registers nothing and
  // leaves every register, residue and pulse count as it was. For a meter fed whole records (a
  // fleet's, docs/performance.md, "The fleet's 1 s step"), which would otherwise show the record
  // just finished, or nothing before its first. Nothing is shown once the source has ended.
  Status ShowNext(metering::Meter& meter);

 private:
  // Reads the next records when every buffered one is used. False when the source has ended.
  Result<bool> Refill();

  source::RecordSource& source_;
  std::vector<metering::Interval> buffer_;
  std::size_t next_ = 0;
  std::size_t end_ = 0;
  bool ended_ = false;
};

}  // namespace pro380::app

#endif  // PRO380_APP_RECORD_FEEDER_H_
