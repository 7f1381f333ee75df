// `pro380 write --iec | --iec-tcp --password P SETTING=VALUE …`: the settings over the optical
// port (docs/client.md, "pro380 write over the optical port"): one programming session: sign-on,
// programming mode, P1 with the password, then per setting R1 (the old value), W1, R1 (the
// read-back), and B0 at the end.
#ifndef PRO380_APP_IEC_WRITE_H_
#define PRO380_APP_IEC_WRITE_H_

#include <string>
#include <vector>

#include "app/iec_endpoint.h"
#include "base/status.h"
#include "base/time.h"
#include "device/modbus_map.h"

namespace pro380::app {

// One checked SETTING=VALUE of `pro380 write`.
struct SettingAssignment {
  const device::RegisterDef* def;
  std::string text;  // the value as written
  double value;
};

// InvalidArgument (exit 2) for a missing or malformed --password, or a setting the optical port
// cannot write (naming the buses that can) — before the bus is touched.
Status ValidateIecWrite(const IecEndpointArgs& args,
                        const std::vector<SettingAssignment>& assignments);

// The session; prints a line per verified setting. Errors name the endpoint and the setting:
// a wrong password as such, the meter's refusal text, a differing read-back.
Status WriteIecSettings(const IecEndpointArgs& args, Duration timeout,
                        const std::vector<SettingAssignment>& assignments);

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_WRITE_H_
