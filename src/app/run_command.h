// `pro380 run`: live meters on the wall clock (sped up by --speed), from the command line and
// optionally a config file (--config, docs/config.md). It serves the meters on their interfaces
// (app/interface_plan.h) and prints the live quantities of each meter once a second (on a
// terminal: the live LCD view of app/terminal_view.h instead) until SIGINT/SIGTERM. Each meter
// has a front panel (app/panel_driver.h) whose button settings are logged and saved like writes.
// The meter persists in the state store (`--state DIR`, docs/formats/state.md; rules in
// docs/decisions/state.md): loaded at start, its power-down count incremented, saved every
// --save-interval of wall time and at the stop, all meters of the process in one transaction.
#ifndef PRO380_APP_RUN_COMMAND_H_
#define PRO380_APP_RUN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/gpio_service.h"
#include "app/interface_plan.h"
#include "app/meter_options.h"

namespace pro380::app {

struct RunArgs {
  std::optional<std::string> config;  // --config FILE.toml (docs/config.md)
  std::string source = "sim:household";
  double speed = 1.0;
  std::optional<std::string> stop_after;  // for tests and demos: stop after this wall time
  uint64_t seed = 1;
  std::optional<std::string> state_dir;  // unset: the default of product.md
  std::string save_interval = "1s";
  bool sealed = false;  // every meter refuses writes from every bus (docs/decisions/security.md)
  std::optional<std::string> mqtt_publish;  // mqtt[s]://HOST:PORT[/PREFIX] (docs/mqtt.md)
  std::string terminal = "auto";  // the live LCD view: auto (when stdout is a tty), on, off
  bool check = false;  // --check: check everything, print what would start, start nothing
  GpioArgs gpio;       // S0 outputs and tariff input on GPIO lines (one meter)
  MeterArgs meter;
  InterfaceArgs interfaces;
  // The options typed on the command line (e.g. "--combined-code", "--speed"): only these
  // override the config file, and only typed meter options are applied to a saved meter.
  std::vector<std::string> given_run_options;
};

CLI::App* AddRunCommand(CLI::App& app, RunArgs& args);
int RunRun(const RunArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_COMMAND_H_
