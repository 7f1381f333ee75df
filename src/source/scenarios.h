// The built-in scenarios by name (docs/scenarios.md): `sim:NAME[?KEY=VALUE&...]`.
#ifndef PRO380_SOURCE_SCENARIOS_H_
#define PRO380_SOURCE_SCENARIOS_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "source/ev_source.h"
#include "source/record_source.h"

namespace pro380::source {

// The scenario names OpenScenario knows, for messages.
inline constexpr std::string_view kScenarioNames =
    "sim:household, sim:pv, sim:ev[?limit=6..32A&phases=1|3], sim:heat-pump, sim:office";

// Whether `spec` names one of them (the part before any '?').
bool IsScenarioSpec(std::string_view spec);

// Parses the options of `sim:ev?...` (the part after '?'). Unknown keys and bad values are
// InvalidArgument naming the key and the allowed values.
Result<WallboxOptions> ParseWallboxOptions(std::string_view query);

// Opens the scenario `spec` (IsScenarioSpec) for `seed`, its first record at `start`.
Result<std::unique_ptr<RecordSource>> OpenScenario(std::string_view spec, TimePoint start,
                                                   uint64_t seed);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_SCENARIOS_H_
