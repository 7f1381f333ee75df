// The M-Bus bus options of the client commands (`pro380 read`, `write`, `scan`;
// docs/client.md, "M-Bus"): --mbus DEV[:BAUD[:PARITY]] or --mbus-tcp ADDR:PORT, and the meter's
// address: --id N (primary 0..250, default 0) or --secondary NNNNNNNN; opening the master.
#ifndef PRO380_APP_MBUS_ENDPOINT_H_
#define PRO380_APP_MBUS_ENDPOINT_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "app/mbus_master.h"
#include "base/time.h"
#include "protocol/mbus/client.h"

namespace pro380::app {

// The PRO380-Mb's primary address after manufacture (manual appendix 2: "0 = default after
// manufacture"; the body text's "001" is contradicted by the address table).
inline constexpr int kDefaultMbusPrimaryAddress = 0;

struct MbusEndpointArgs {
  std::optional<std::string> serial;       // --mbus DEV[:BAUD[:PARITY]]
  std::optional<std::string> tcp;          // --mbus-tcp ADDR:PORT
  std::optional<std::string> secondary;    // --secondary NNNNNNNN
  std::optional<std::string> fabrication;  // --fabrication-number: 8 digits or F (enhanced)
  bool mode2 = false;                      // --mode2: select with CI 56
  const CLI::Option* id_option = nullptr;  // the shared --id: given or not
};

// Adds --mbus, --mbus-tcp and (with `with_secondary`) --secondary, --fabrication-number and
// --mode2. Call after the shared --id was added (it is looked up to tell whether the user gave
// it).
void AddMbusEndpointOptions(CLI::App& cmd, MbusEndpointArgs& args, bool with_secondary = true);

bool MbusGiven(const MbusEndpointArgs& args);
// "--mbus /dev/ttyUSB0" or "--mbus-tcp 127.0.0.1:1502".
std::string DescribeMbusEndpoint(const MbusEndpointArgs& args);

// The primary address to use: --id when given, else kDefaultMbusPrimaryAddress.
int MbusPrimaryAddress(const MbusEndpointArgs& args, int id);

// Checks the M-Bus options: endpoint, --id 0..250, --secondary 8 digits (no wildcard) or a
// 16-character mask (SecondaryMask::FromFullText, wildcards allowed: a selection several meters
// match fails as a collision), --fabrication-number 8 digits or F, --mode2 only with a
// selection, and no selection with --id. InvalidArgument naming the option.
Status ValidateMbusOptions(const MbusEndpointArgs& args, int id);

// The selection of --secondary, --fabrication-number (alone: every other field a wildcard) and
// --mode2, or nullopt when the meter is addressed by --id. REQUIRES: ValidateMbusOptions is ok.
std::optional<mbus::SecondaryMask> MbusSecondary(const MbusEndpointArgs& args);

// The master on the chosen M-Bus endpoint, connected (a serial line at 9600 8E1 unless
// DEV:BAUD:PARITY says otherwise). REQUIRES: ValidateMbusOptions is ok. IoError when the
// endpoint cannot be reached.
Result<std::unique_ptr<MbusMaster>> OpenMbusMaster(const MbusEndpointArgs& args, Duration timeout,
                                                   int retries);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_ENDPOINT_H_
