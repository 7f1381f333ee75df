#include "app/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/read_command.h"
#include "app/run_command.h"
#include "app/scan_command.h"
#include "app/simulate_command.h"
#include "app/state_command.h"
#include "app/write_command.h"

#ifndef PRO380_VERSION
#define PRO380_VERSION "0.1.0"
#endif

namespace pro380::app {

int Main(int argc, char** argv) {
  CLI::App app("pro380: a firmware-faithful software Inepro PRO380 three-phase energy meter",
               "pro380");
  app.set_version_flag("--version", std::string("pro380 ") + PRO380_VERSION);
  app.require_subcommand(1);
  SimulateArgs simulate;
  RunArgs run;
  StateArgs state;
  ReadArgs read;
  WriteArgs write;
  ScanArgs scan;
  CLI::App* simulate_cmd = AddSimulateCommand(app, simulate);
  CLI::App* run_cmd = AddRunCommand(app, run);
  CLI::App* state_cmd = AddStateCommand(app, state);
  CLI::App* read_cmd = AddReadCommand(app, read);
  CLI::App* write_cmd = AddWriteCommand(app, write);
  CLI::App* scan_cmd = AddScanCommand(app, scan);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "pro380: " << e.what() << "\n";
    std::cerr << "Run 'pro380 --help' for the commands and options.\n";
    return 2;
  }
  if (simulate_cmd->parsed()) return RunSimulate(simulate);
  if (run_cmd->parsed()) return RunRun(run);
  if (state_cmd->parsed()) return RunState(*state_cmd, state);
  if (read_cmd->parsed()) return RunRead(read);
  if (write_cmd->parsed()) return RunWrite(write);
  if (scan_cmd->parsed()) return RunScan(scan);
  return 2;
}

}  // namespace pro380::app
