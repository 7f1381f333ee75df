#include "source/scenarios.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "source/heat_pump_source.h"
#include "source/household_source.h"
#include "source/office_source.h"
#include "source/pv_source.h"

namespace pro380::source {
namespace {

constexpr std::string_view kNames[] = {"household", "pv", "ev", "heat-pump", "office"};

std::string_view NameOf(std::string_view spec) {
  spec.remove_prefix(4);  // "sim:"
  return spec.substr(0, spec.find('?'));
}

Status BadOption(std::string_view spec, const std::string& what) {
  return Status::InvalidArgument("source '" + std::string(spec) + "': " + what);
}

// An integer with an optional unit suffix, e.g. "16" or "16A".
bool ParseInt(std::string_view text, std::string_view unit, int& value) {
  if (text.ends_with(unit)) text.remove_suffix(unit.size());
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

bool IsScenarioSpec(std::string_view spec) {
  if (!spec.starts_with("sim:")) return false;
  const std::string_view name = NameOf(spec);
  for (std::string_view known : kNames) {
    if (name == known) return true;
  }
  return false;
}

Result<WallboxOptions> ParseWallboxOptions(std::string_view query) {
  WallboxOptions options;
  const std::string spec = "sim:ev?" + std::string(query);
  while (!query.empty()) {
    const std::string_view item = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), item.size() + 1));
    const std::size_t equals = item.find('=');
    const std::string_view key = item.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
    if (key == "limit") {
      if (!ParseInt(value, "A", options.limit_a) || options.limit_a < 6 || options.limit_a > 32) {
        return BadOption(spec,
                         "limit must be a whole number of amperes from 6 to 32 (e.g. "
                         "limit=16A), not '" +
                             std::string(value) + "'");
      }
    } else if (key == "phases") {
      if (!ParseInt(value, "", options.phases) || (options.phases != 1 && options.phases != 3)) {
        return BadOption(spec, "phases must be 1 or 3, not '" + std::string(value) + "'");
      }
    } else {
      return BadOption(
          spec, "unknown option '" + std::string(key) + "'; allowed: limit=6..32A, phases=1|3");
    }
  }
  return options;
}

Result<std::unique_ptr<RecordSource>> OpenScenario(std::string_view spec, TimePoint start,
                                                   uint64_t seed) {
  const std::string_view name = NameOf(spec);
  const std::size_t question = spec.find('?');
  const bool has_options = question != std::string_view::npos;
  if (name == "ev") {
    auto wallbox = ParseWallboxOptions(has_options ? spec.substr(question + 1) : "");
    if (!wallbox.ok()) return wallbox.status();
    return std::unique_ptr<RecordSource>(std::make_unique<EvSource>(start, seed, *wallbox));
  }
  if (has_options) {
    return BadOption(spec, "sim:" + std::string(name) +
                               " takes no options; allowed: " + std::string(kScenarioNames));
  }
  if (name == "household")
    return std::unique_ptr<RecordSource>(std::make_unique<HouseholdSource>(start, seed));
  if (name == "pv") return std::unique_ptr<RecordSource>(std::make_unique<PvSource>(start, seed));
  if (name == "heat-pump") {
    return std::unique_ptr<RecordSource>(std::make_unique<HeatPumpSource>(start, seed));
  }
  return std::unique_ptr<RecordSource>(std::make_unique<OfficeSource>(start, seed));
}

}  // namespace pro380::source
