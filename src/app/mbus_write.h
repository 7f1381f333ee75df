// `pro380 write --mbus | --mbus-tcp SETTING=VALUE ...` (docs/client.md, "pro380 write over
// M-Bus"): each setting sent with SND_UD (device/mbus_writes.h), then verified by a readout:
// the meter acknowledges every SND_UD with E5, and reports a refused write in the next RSP_UD's
// status byte (application error), so the read-back tells both.
#ifndef PRO380_APP_MBUS_WRITE_H_
#define PRO380_APP_MBUS_WRITE_H_

#include <string>
#include <vector>

#include "app/client_endpoint.h"

namespace pro380::app {

// Returns the exit status (0 all verified, 1 refused/no answer/differs, 2 bad assignments).
int RunMbusWrite(const ClientEndpointArgs& endpoint, const std::vector<std::string>& assignments);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_WRITE_H_
