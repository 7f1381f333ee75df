// `pro380 write --mbus | --mbus-tcp SETTING=VALUE ...` (docs/client.md, "pro380 write over
// M-Bus"): each setting sent with SND_UD (device/mbus_writes.h), then verified by a readout:
// the meter acknowledges every SND_UD with E5, and reports a refused write in the next RSP_UD's
// status byte (application error), so the read-back tells both.
#ifndef PRO380_APP_MBUS_WRITE_H_
#define PRO380_APP_MBUS_WRITE_H_

#include <optional>
#include <string>
#include <vector>

#include "app/client_endpoint.h"
#include "device/mbus_writes.h"
#include "transport/endpoint.h"

namespace pro380::app {

// Returns the exit status (0 all verified, 1 refused/no answer/differs, 2 bad assignments).
int RunMbusWrite(const ClientEndpointArgs& endpoint, const std::vector<std::string>& assignments);

// The settings the client's own line needs once the meter acknowledged `write`: `line` at the
// new rate when `write` sets the M-Bus baud rate (CI B8..BD; the E5 still comes at the old rate,
// the meter hears only the new one afterwards) and `line` is a serial line at another rate.
// nullopt otherwise: another setting, the same rate, or a TCP link (`line` nullopt: a gateway's
// serial side is configured on the gateway, not by its client). Parity and stop bits stay.
std::optional<transport::SerialSettings> MbusLineAfter(
    const device::MbusWrite& write, const std::optional<transport::SerialSettings>& line);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_WRITE_H_
