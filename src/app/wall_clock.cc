#include "app/wall_clock.h"

#include <chrono>
#include <ctime>

namespace pro380::app {

TimePoint WallNow() {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

Duration LocalUtcOffset(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return Duration::zero();
  return std::chrono::seconds(local.tm_gmtoff);
}

}  // namespace pro380::app
