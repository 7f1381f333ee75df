// `pro380 read --mbus | --mbus-tcp`: one readout of a PRO380-Mb (SND_NKE and REQ_UD2s at the
// primary address, or a selection by --secondary and REQ_UD2s at 253), decoded through
// device/mbus_readout into the output every bus shares (app/reading_output.h).
#ifndef PRO380_APP_MBUS_READING_H_
#define PRO380_APP_MBUS_READING_H_

#include "app/client_endpoint.h"
#include "app/mbus_master.h"
#include "app/reading_output.h"
#include "base/status.h"

namespace pro380::app {

// One reading. Errors (exit 1) name the endpoint and the address.
Result<Reading> ReadMbusMeter(MbusMaster& master, const ClientEndpointArgs& args);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_READING_H_
