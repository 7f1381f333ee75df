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

 private:
  source::RecordSource& source_;
  std::vector<metering::Interval> buffer_;
  std::size_t next_ = 0;
  std::size_t end_ = 0;
  bool ended_ = false;
};

}  // namespace pro380::app

#endif  // PRO380_APP_RECORD_FEEDER_H_
