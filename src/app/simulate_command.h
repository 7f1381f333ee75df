// `pro380 simulate`: runs a meter on a source with no I/O and no wall clock, as fast as the
// machine allows, and prints the final state.
#ifndef PRO380_APP_SIMULATE_COMMAND_H_
#define PRO380_APP_SIMULATE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "app/meter_options.h"

namespace pro380::app {

struct SimulateArgs {
  std::string source;
  std::optional<std::string> duration;
  std::string start = "2026-01-01T00:00:00Z";
  uint64_t seed = 1;
  bool json = false;
  MeterArgs meter;
};

CLI::App* AddSimulateCommand(CLI::App& app, SimulateArgs& args);

// Returns the process exit status: 0 done, 2 bad arguments or input (message on stderr,
// nothing on stdout), 1 runtime failure.
int RunSimulate(const SimulateArgs& args);

// Parses "YYYY-MM-DDTHH:MM:SSZ".
Result<TimePoint> ParseTime(std::string_view text);

}  // namespace pro380::app

#endif  // PRO380_APP_SIMULATE_COMMAND_H_
