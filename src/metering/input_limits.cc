#include "metering/input_limits.h"

#include <charconv>
#include <cmath>

namespace pro380::metering {

std::string ValueText(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string("?");
}

std::string RangeText(const InputRange& range) {
  // Whole limits print without an exponent (3000000, not 3e+06); others with one decimal.
  const auto limit = [](double v) {
    char text[32];
    const int decimals = v == std::floor(v) ? 0 : 1;
    const auto result =
        std::to_chars(text, text + sizeof text, v, std::chars_format::fixed, decimals);
    return std::string(text, result.ptr);
  };
  return limit(range.min) + ".." + limit(range.max) + " " + std::string(range.unit);
}

std::string DescribeElementsOutsideLimits(const Interval& elements, Wiring wiring) {
  const PhaseRanges& ranges = ElementRanges(wiring);
  for (int k = 0; k < kPhaseCount; ++k) {
    const PhaseValues& phase = elements.phase[k];
    const struct {
      const char* name;
      double value;
      const InputRange& range;
    } checks[] = {{"voltage", phase.voltage_v, ranges.voltage},
                  {"current", phase.current_a, ranges.current},
                  {"active power", phase.active_w, ranges.active},
                  {"reactive power", phase.reactive_var, ranges.reactive},
                  {"apparent power", phase.apparent_va, ranges.apparent}};
    for (const auto& check : checks) {
      if (!check.range.Contains(check.value)) {
        return "phase " + std::to_string(k + 1) + " " + check.name + " " + ValueText(check.value) +
               " " + std::string(check.range.unit) + " is outside " + RangeText(check.range);
      }
    }
  }
  return {};
}

}  // namespace pro380::metering
