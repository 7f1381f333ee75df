// The host's clocks, read only in app/ (the core gets time passed in).
#ifndef PRO380_APP_WALL_CLOCK_H_
#define PRO380_APP_WALL_CLOCK_H_

#include "base/time.h"

namespace pro380::app {

TimePoint WallNow();

// The offset of this machine's local time (TZ) from UTC at `t`.
Duration LocalUtcOffset(TimePoint t);

}  // namespace pro380::app

#endif  // PRO380_APP_WALL_CLOCK_H_
