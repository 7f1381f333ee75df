// `pro380 state check|export|import`: the user's view of a state directory (formats in
// docs/formats/state.md). `check` and `export` open the store read-only and work beside a running
// `pro380 run`; `import` writes, so it takes the directory's lock and refuses while a meter runs.
#ifndef PRO380_APP_STATE_COMMAND_H_
#define PRO380_APP_STATE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace pro380::app {

struct StateArgs {
  std::optional<std::string> state_dir;  // unset: the default of product.md
  std::optional<std::string> output;     // export: a file instead of stdout
  std::string input;                     // import: the JSON file ("-" = stdin)
  bool replace = false;                  // import: replace meters the store already has
};

// Adds `state` with its three subcommands; returns the `state` command.
CLI::App* AddStateCommand(CLI::App& app, StateArgs& args);

// Runs the subcommand of `state_cmd` that was parsed. Exit status as the contract: 0 done (check:
// the store is sound), 1 a damaged, foreign or unreadable store or an I/O failure, 2 bad arguments
// or a bad import file.
int RunState(const CLI::App& state_cmd, const StateArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_STATE_COMMAND_H_
