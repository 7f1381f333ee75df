// `pro380 read`: the client role (docs/client.md): reads a PRO380's whole protocol 3.2 map over
// Modbus TCP, RTU or RTU over TCP and prints every value by its canonical name, as a table or
// as JSON in the names of `pro380 simulate --json`.
#ifndef PRO380_APP_READ_COMMAND_H_
#define PRO380_APP_READ_COMMAND_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "app/client_endpoint.h"

namespace pro380::app {

struct ReadArgs {
  ClientEndpointArgs endpoint;
  bool json = false;
  std::optional<std::string> watch;  // "" when given without SECONDS
  int count = 0;                     // readings in --watch mode; 0 = until Ctrl-C
};

CLI::App* AddReadCommand(CLI::App& app, ReadArgs& args);
int RunRead(const ReadArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_READ_COMMAND_H_
