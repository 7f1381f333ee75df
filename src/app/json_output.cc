#include "app/json_output.h"

#include <cmath>
#include <cstdint>
#include <ctime>

namespace pro380::app {

nlohmann::ordered_json QuantitiesJson(const metering::Readings& readings) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const metering::Quantity& q : metering::kQuantities) {
    const double value = readings[q.id];
    const bool integral = q.kind == metering::QuantityKind::kOutput ||
                          (q.kind == metering::QuantityKind::kDevice && value == std::trunc(value));
    if (integral) {
      out[std::string(q.name)] = static_cast<int64_t>(value);
    } else {
      out[std::string(q.name)] = value;
    }
  }
  return out;
}

std::string FormatTime(TimePoint t) {
  const std::time_t seconds = static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace pro380::app
