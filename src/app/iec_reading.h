// `pro380 read --iec | --iec-tcp`: one reading over the optical port (sign-on, readout at the
// selected rate) turned into the entries `pro380 read` prints for every bus (reading_output.h),
// by the names of the one OBIS table (device/iec_readout.h). docs/client.md, "The optical port".
#ifndef PRO380_APP_IEC_READING_H_
#define PRO380_APP_IEC_READING_H_

#include "app/iec_endpoint.h"
#include "app/iec_master.h"
#include "app/reading_output.h"
#include "base/status.h"

namespace pro380::app {

// A whole session; after no answer or a damaged one it signs on again, `retries` more times.
Result<Reading> ReadIecMeter(IecMaster& master, const IecEndpointArgs& args, int retries);

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_READING_H_
