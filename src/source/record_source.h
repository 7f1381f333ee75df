// RecordSource: anything that yields per-phase (star) records for the metering engine: constant
// loads, built-in scenarios, CSV replays, live feeds. Records carry their own duration; meter
// time advances by it.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_RECORD_SOURCE_H_
#define PRO380_SOURCE_RECORD_SOURCE_H_

#include <cstddef>
#include <span>

#include "base/status.h"
#include "metering/interval.h"

namespace pro380::source {

class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // Fills the front of `out` with the next records and returns how many. 0 means the source is
  // exhausted (a file ended); an error means the input is malformed and nothing after it is
  // trustworthy (the message names the place, e.g. the file and line).
  virtual Result<std::size_t> Read(std::span<metering::Interval> out) = 0;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_RECORD_SOURCE_H_
