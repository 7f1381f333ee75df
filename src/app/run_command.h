// `pro380 run`: a live meter on the wall clock (sped up by --speed). Until the interfaces exist it
// prints its live quantities once a second until SIGINT/SIGTERM.
#ifndef PRO380_APP_RUN_COMMAND_H_
#define PRO380_APP_RUN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "app/meter_options.h"

namespace pro380::app {

struct RunArgs {
  std::string source = "sim:household";
  double speed = 1.0;
  std::optional<std::string> stop_after;  // for tests and demos: stop after this wall time
  uint64_t seed = 1;
  MeterArgs meter;
};

CLI::App* AddRunCommand(CLI::App& app, RunArgs& args);
int RunRun(const RunArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_COMMAND_H_
