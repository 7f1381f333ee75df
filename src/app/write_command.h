// `pro380 write`: changes settings of a PRO380 over Modbus with FC10 and verifies each by reading
// it back (docs/client.md, "pro380 write").
#ifndef PRO380_APP_WRITE_COMMAND_H_
#define PRO380_APP_WRITE_COMMAND_H_

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "app/client_endpoint.h"

namespace pro380::app {

struct WriteArgs {
  ClientEndpointArgs endpoint;
  std::vector<std::string> assignments;  // SETTING=VALUE, in the order given
};

CLI::App* AddWriteCommand(CLI::App& app, WriteArgs& args);
int RunWrite(const WriteArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_WRITE_COMMAND_H_
