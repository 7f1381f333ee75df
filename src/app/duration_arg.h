// Durations on the command line: a sequence of NUMBER UNIT pairs, e.g. "1h", "90s", "1h30m",
// "0.5s", "2d", "1y". Units: ms, s, m, h, d, w, y (365 d).
#ifndef PRO380_APP_DURATION_ARG_H_
#define PRO380_APP_DURATION_ARG_H_

#include <string_view>

#include "base/status.h"
#include "base/time.h"

namespace pro380::app {

Result<Duration> ParseDuration(std::string_view text);

}  // namespace pro380::app

#endif  // PRO380_APP_DURATION_ARG_H_
