// The optical port options of `pro380 read` and `write` (docs/client.md, "The optical port"):
// `--iec DEV[:BAUD]` (an IR head's serial device; BAUD the sign-on rate, 300 by the standard) or
// `--iec-tcp ADDR:PORT`, the device address of the sign-on, the fastest rate to select; and
// opening the IecMaster they describe.
#ifndef PRO380_APP_IEC_ENDPOINT_H_
#define PRO380_APP_IEC_ENDPOINT_H_

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "app/iec_master.h"
#include "base/status.h"
#include "base/time.h"

namespace pro380::app {

struct IecEndpointArgs {
  std::optional<std::string> device;  // DEV[:BAUD]
  std::optional<std::string> tcp;     // ADDR:PORT
  std::string address;                // the sign-on's device address; empty: any meter
  int max_baud = 9600;
  std::string password;  // write: the P1 password
};

void AddIecEndpointOptions(CLI::App& cmd, IecEndpointArgs& args);
// Whether --iec or --iec-tcp is given.
bool IecGiven(const IecEndpointArgs& args);
std::string DescribeIecEndpoint(const IecEndpointArgs& args);  // "--iec-tcp 127.0.0.1:8000"
// InvalidArgument naming the option: a bad device spec (a parity, `pty:`, a rate the standard
// has not), endpoint, address or --max-baud.
Status ValidateIecEndpoint(const IecEndpointArgs& args);
// The master on the endpoint, connected (the link at the sign-on rate, 8N1 carrying 7E1).
// REQUIRES: ValidateIecEndpoint(args) is ok. IoError when the endpoint cannot be reached.
Result<std::unique_ptr<IecMaster>> OpenIecMaster(const IecEndpointArgs& args, Duration timeout);

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_ENDPOINT_H_
