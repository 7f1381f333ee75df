// The bus options the client commands share (`pro380 read`, `write`; docs/client.md): which bus
// and endpoint, the meter's ID, the reply timeout and retries; and opening the Modbus master they
// describe.
#ifndef PRO380_APP_CLIENT_ENDPOINT_H_
#define PRO380_APP_CLIENT_ENDPOINT_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "app/iec_endpoint.h"
#include "app/mbus_endpoint.h"
#include "app/modbus_master.h"
#include "base/status.h"

namespace pro380::app {

struct ClientEndpointArgs {
  std::optional<std::string> modbus_tcp;    // ADDR:PORT, MBAP
  std::optional<std::string> modbus_rtu;    // DEV[:BAUD[:PARITY]]
  std::optional<std::string> rtu_over_tcp;  // ADDR:PORT, RTU frames on a TCP stream
  IecEndpointArgs iec;                      // the optical port (app/iec_endpoint.h)
  MbusEndpointArgs mbus;                    // --mbus, --mbus-tcp (app/mbus_endpoint.h)
  int id = 1;
  std::string timeout = "1s";  // per attempt
  int retries = 1;
};

// Adds the bus options (Modbus, M-Bus: app/mbus_endpoint.h, the optical port:
// app/iec_endpoint.h), and --id unless `with_id` is false (scan probes many IDs). The help
// texts show the defaults `args` holds.
void AddClientEndpointOptions(CLI::App& cmd, ClientEndpointArgs& args, bool with_id = true);

// The endpoint as the user wrote it, for messages ("--modbus-tcp 127.0.0.1:1502").
std::string DescribeEndpoint(const ClientEndpointArgs& args);

// The master on the chosen bus, connected. InvalidArgument (exit 2) naming the option for a bad
// endpoint, ID, timeout or retry count, or when not exactly one bus option is given; IoError
// (exit 1) when the endpoint cannot be reached.
Result<std::unique_ptr<ModbusMaster>> OpenModbusMaster(const ClientEndpointArgs& args);

// Checks everything OpenModbusMaster (or OpenIecMaster, OpenMbusMaster) checks before it touches
// the bus.
Status ValidateClientEndpoint(const ClientEndpointArgs& args);

// --timeout as a duration. REQUIRES: ValidateClientEndpoint(args) is ok.
Duration ClientTimeout(const ClientEndpointArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_CLIENT_ENDPOINT_H_
