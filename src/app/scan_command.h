// `pro380 scan`: finds the PRO380s on a Modbus bus by probing IDs, or on an M-Bus by the
// secondary address search or primary addresses (docs/client.md, "pro380 scan").
#ifndef PRO380_APP_SCAN_COMMAND_H_
#define PRO380_APP_SCAN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "app/client_endpoint.h"
#include "app/mbus_scan.h"
#include "base/status.h"

namespace pro380::app {

struct ScanArgs {
  // A probe's defaults: short timeout, no retry (docs/client.md, "pro380 scan").
  ScanArgs() {
    endpoint.timeout = "100ms";
    endpoint.retries = 0;
  }
  ClientEndpointArgs endpoint;
  std::string ids = "1-247";
  bool json = false;
  bool primary = false;   // M-Bus: probe primary addresses 0..250, not the secondary search
  MbusScanFilter filter;  // M-Bus: --secondary, --manufacturer, --version, --medium
};

CLI::App* AddScanCommand(CLI::App& app, ScanArgs& args);
int RunScan(const ScanArgs& args);

// "1-247", "5", "1,3,10-12": the IDs in increasing order without repeats, each 1..247, or
// InvalidArgument naming --ids and the form.
Result<std::vector<uint8_t>> ParseIdList(const std::string& text);

}  // namespace pro380::app

#endif  // PRO380_APP_SCAN_COMMAND_H_
