#include "app/duration_arg.h"

#include <charconv>
#include <cmath>
#include <string>

#include "metering/input_limits.h"

namespace pro380::app {
namespace {

struct Unit {
  std::string_view suffix;
  double seconds;
};

// Longest suffixes first so "ms" is not read as "m".
constexpr Unit kUnits[] = {{"ms", 1e-3}, {"s", 1},         {"m", 60},           {"h", 3600},
                           {"d", 86400}, {"w", 7 * 86400}, {"y", 365 * 86400.0}};

Status Bad(std::string_view text) {
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a duration; use NUMBER+UNIT pairs such as 90s, 15m, "
                                 "1h30m, 2d, 1y (units ms, s, m, h, d, w, y)");
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return Bad(text);
  double total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    double number = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
    if (ec != std::errc() || number < 0 || !std::isfinite(number)) return Bad(text);
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (rest.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return Bad(text);
    rest.remove_prefix(unit->suffix.size());
    total += number * unit->seconds;
  }
  // A positive total below 0.5 ns would round to a zero duration.
  if (total < 0.5e-9 || total > ToSeconds(metering::kMaxRunDuration)) {
    return Status::InvalidArgument("duration '" + std::string(text) +
                                   "' must be at least 1 ns and at most " +
                                   std::string(metering::kMaxRunDurationText));
  }
  return FromSeconds(total);
}

}  // namespace pro380::app
