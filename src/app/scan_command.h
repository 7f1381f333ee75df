// `pro380 scan`: finds the PRO380s on a Modbus bus by probing IDs, or on an M-Bus by the
// secondary address search or primary addresses (docs/client.md, "pro380 scan").
#ifndef PRO380_APP_SCAN_COMMAND_H_
#define PRO380_APP_SCAN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
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
  std::optional<std::string> ids;  // default: every Modbus ID 1-247, every primary address 0-250
  bool json = false;
  bool primary = false;   // M-Bus: probe primary addresses 0..250, not the secondary search
  MbusScanFilter filter;  // M-Bus: --secondary, --manufacturer, --version, --medium
};

CLI::App* AddScanCommand(CLI::App& app, ScanArgs& args);
int RunScan(const ScanArgs& args);

// Which numbers `--ids` may list: Modbus unit IDs or M-Bus primary addresses.
struct IdRange {
  int lowest;
  int highest;
  const char* what;  // "IDs", "primary addresses"
};
inline constexpr IdRange kModbusIds = {1, 247, "IDs"};
inline constexpr IdRange kMbusPrimaryAddresses = {0, 250, "primary addresses"};

// "1-247", "5", "1,3,10-12": the numbers in increasing order without repeats, each within
// `range`, or InvalidArgument naming --ids, the range and the form.
Result<std::vector<uint8_t>> ParseIdList(const std::string& text,
                                         const IdRange& range = kModbusIds);

}  // namespace pro380::app

#endif  // PRO380_APP_SCAN_COMMAND_H_
