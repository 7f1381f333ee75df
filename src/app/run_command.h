// `pro380 run`: a live meter on the wall clock (sped up by --speed). Until the interfaces exist it
// prints its live quantities once a second until SIGINT/SIGTERM. The meter persists in the state
// store (`--state DIR`, docs/formats/state.md; rules in docs/decisions/state.md): loaded at start,
// its power-down count incremented, saved every --save-interval of wall time and at the stop.
#ifndef PRO380_APP_RUN_COMMAND_H_
#define PRO380_APP_RUN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/meter_options.h"

namespace pro380::app {

struct RunArgs {
  std::string source = "sim:household";
  double speed = 1.0;
  std::optional<std::string> stop_after;  // for tests and demos: stop after this wall time
  uint64_t seed = 1;
  std::optional<std::string> state_dir;  // unset: the default of product.md
  std::string save_interval = "1s";
  MeterArgs meter;
  // The meter options typed on the command line (e.g. "--combined-code"): only these are checked
  // against, or applied to, a saved meter.
  std::vector<std::string> given_meter_options;
};

CLI::App* AddRunCommand(CLI::App& app, RunArgs& args);
int RunRun(const RunArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_COMMAND_H_
