#include "web/setting_write.h"

#include "device/register_codec.h"
#include "device/register_names.h"

namespace pro380::web {

WriteOutcome WriteSetting(MeterAccess& access, WebMeter& meter, std::string_view name,
                          const nlohmann::json& value, std::string_view client) {
  const device::RegisterDef* def = device::FindWritableSetting(name);
  if (def == nullptr) {
    return {404,
            {{"error", "no writable setting '" + std::string(name) +
                           "' (modbus_id, baud_rate, parity, lcd_cycle_time_s, s0_rate, "
                           "combined_code, power_down_count, tariff, day_counter_kwh)"}}};
  }
  if (!value.is_number()) return {400, {{"error", "'value' must be a number"}}};
  if (meter.bank->sealed()) {
    return {403, {{"error", "meter " + meter.serial + " is sealed: every write is refused"}}};
  }
  const double number = value.get<double>();
  const device::EntryWords words = device::Encode(*def, number);
  // The words must stand for the value asked for: Encode wraps or truncates what does not fit
  // (a 16-bit register, BCD digits), which would write a different value than the one refused.
  const std::optional<double> encoded = device::Decode(def->encoding, {words.data(), def->count()});
  const bool same = def->encoding == device::Encoding::kFloat32
                        ? encoded && static_cast<float>(*encoded) == static_cast<float>(number)
                        : encoded && *encoded == device::Quantize(*def, number);
  if (!same) {
    return {422, {{"error", "value not allowed for " + std::string(name)}}};
  }
  const modbus::WriteContext context{.interface = "rest",
                                     .client = client,
                                     .unit_id = static_cast<uint8_t>(meter.settings->modbus_id),
                                     .now = access.wall_now ? access.wall_now() : TimePoint{}};
  if (meter.bank->Write(def->address, {words.data(), def->count()}, context)) {
    return {422,
            {{"error", "value " + value.dump() + " not allowed for " + std::string(name) +
                           " or the setting is locked"}}};
  }
  if (access.settings_written) access.settings_written();
  return {200, {{"serial", meter.serial}, {"setting", name}, {"value", *encoded}}};
}

}  // namespace pro380::web
