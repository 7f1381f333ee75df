#include "app/setting_assignment.h"

#include "device/iec_setting_writes.h"
#include "device/setting_values.h"

namespace pro380::app {

Result<std::pair<std::string, std::string>> SplitAssignment(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) {
    return Status::InvalidArgument("'" + text + "' is not SETTING=VALUE");
  }
  return std::pair{text.substr(0, equals), text.substr(equals + 1)};
}

Result<SettingAssignment> ParseSettingAssignment(const std::string& text) {
  auto split = SplitAssignment(text);
  if (!split.ok()) return split.status();
  const auto& [name, value_text] = *split;
  auto def = device::WritableSetting(name);
  if (!def.ok()) {
    if (device::FindIecOnlySetting(name) != nullptr) {
      return Status::InvalidArgument(
          name +
          " has no Modbus register: the optical port writes it (--iec, --iec-tcp with "
          "--password)" +
          (name.starts_with("mbus_") ? std::string(", M-Bus too (--mbus, --mbus-tcp)") : ""));
    }
    return def.status();
  }
  auto value = device::ParseSettingValue(**def, value_text);
  if (!value.ok()) return value.status();
  return SettingAssignment{*def, value_text, *value};
}

}  // namespace pro380::app
