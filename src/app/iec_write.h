// `pro380 write --iec | --iec-tcp --password P SETTING=VALUE …`: the settings over the optical
// port (docs/client.md, "pro380 write over the optical port"): one programming session: sign-on,
// programming mode, P1 with the password, then per setting R1 (the old value), W1, R1 (the
// read-back), and B0 at the end. The settings are the Modbus ones the optical port writes (by
// register name) and those only it writes (device/iec_setting_writes.h); a new password is
// verified by signing on with it.
#ifndef PRO380_APP_IEC_WRITE_H_
#define PRO380_APP_IEC_WRITE_H_

#include <optional>
#include <string>
#include <vector>

#include "app/iec_endpoint.h"
#include "app/setting_assignment.h"
#include "base/status.h"
#include "base/time.h"
#include "device/iec_setting_writes.h"

namespace pro380::app {

// One SETTING=VALUE for the optical port: exactly one of `modbus` (a Modbus setting, read back
// by its rules) and `optical` (a setting only the optical port writes).
struct IecAssignment {
  std::string text;  // SETTING=VALUE as written
  std::optional<SettingAssignment> modbus;
  std::optional<device::IecOnlyWrite> optical;
};

// The assignments for the optical port. InvalidArgument (exit 2): none, a malformed one, an
// unknown setting (the writable ones listed) or a value not allowed.
Result<std::vector<IecAssignment>> ParseIecAssignments(const std::vector<std::string>& texts);

// InvalidArgument (exit 2) for a missing or malformed --password, or a setting the optical port
// cannot write (naming the buses that can) — before the bus is touched.
Status ValidateIecWrite(const IecEndpointArgs& args, const std::vector<IecAssignment>& assignments);

// The session; prints a line per verified setting. Errors name the endpoint and the setting:
// a wrong password as such, the meter's refusal text, a differing read-back.
Status WriteIecSettings(const IecEndpointArgs& args, Duration timeout,
                        const std::vector<IecAssignment>& assignments);

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_WRITE_H_
