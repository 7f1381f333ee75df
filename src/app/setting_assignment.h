// One SETTING=VALUE of `pro380 write` by a Modbus register name (docs/client.md, "pro380
// write"): the register and the checked value. Shared by the Modbus and optical port writes.
#ifndef PRO380_APP_SETTING_ASSIGNMENT_H_
#define PRO380_APP_SETTING_ASSIGNMENT_H_

#include <string>
#include <utility>

#include "base/status.h"
#include "device/modbus_map.h"

namespace pro380::app {

struct SettingAssignment {
  const device::RegisterDef* def;
  std::string text;  // the value as written
  double value;
};

// "NAME=VALUE" split at the first '='; InvalidArgument when there is none.
Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text);

// `text` as a Modbus setting: InvalidArgument (exit 2) for an unknown or read-only name (the
// writable ones listed; a name only the optical port writes is named as such) or a value not
// allowed.
Result<SettingAssignment> ParseSettingAssignment(const std::string& text);

}  // namespace pro380::app

#endif  // PRO380_APP_SETTING_ASSIGNMENT_H_
