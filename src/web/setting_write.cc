#include "web/setting_write.h"

#include "device/named_setting_write.h"
#include "device/register_names.h"

namespace pro380::web {

WriteOutcome WriteSetting(MeterAccess& access, WebMeter& meter, std::string_view name,
                          const nlohmann::json& value, std::string_view client) {
  const std::string setting(name);
  const WriteOutcome no_such_setting{
      404,
      {{"error", "no writable setting '" + setting + "' (" +
                     std::string(device::kWritableSettingNames) + ")"}}};
  // An unknown name is reported before a bad value, as it always was.
  if (device::FindWritableSetting(name) == nullptr) return no_such_setting;
  if (!value.is_number()) return {400, {{"error", "'value' must be a number"}}};
  const modbus::WriteContext context{.interface = "rest",
                                     .client = client,
                                     .unit_id = static_cast<uint8_t>(meter.settings->modbus_id),
                                     .now = access.wall_now ? access.wall_now() : TimePoint{}};
  const device::NamedWriteOutcome outcome =
      device::WriteNamedSetting(*meter.bank, name, value.get<double>(), context);
  switch (outcome.result) {
    case device::NamedWriteResult::kWritten:
      break;
    case device::NamedWriteResult::kNoSuchSetting:
      return no_such_setting;
    case device::NamedWriteResult::kSealed:
      return {403, {{"error", "meter " + meter.serial + " is sealed: every write is refused"}}};
    case device::NamedWriteResult::kNotEncodable:
      return {422, {{"error", "value not allowed for " + setting}}};
    case device::NamedWriteResult::kRefused:
      return {422,
              {{"error", "value " + value.dump() + " not allowed for " + setting +
                             " or the setting is locked"}}};
  }
  if (access.settings_written) access.settings_written();
  return {200, {{"serial", meter.serial}, {"setting", name}, {"value", outcome.written}}};
}

}  // namespace pro380::web
