// A setting written by its name (the REST API, MQTT): through the meter's register bank exactly as
// a Modbus write of the same setting (FC10 to its protocol 3.2 register), so the same allowed
// values, the same locks (C-10, sealed meter), the same all-or-nothing rule and the same change
// sink apply; `context` names the interface and client for the event log.
#ifndef PRO380_DEVICE_NAMED_SETTING_WRITE_H_
#define PRO380_DEVICE_NAMED_SETTING_WRITE_H_

#include <string_view>

#include "device/pro380_register_bank.h"
#include "protocol/modbus/register_bank.h"

namespace pro380::device {

// The names FindWritableSetting knows, for error messages.
inline constexpr std::string_view kWritableSettingNames =
    "modbus_id, baud_rate, parity, lcd_cycle_time_s, s0_rate, combined_code, power_down_count, "
    "tariff, day_counter_kwh";

enum class NamedWriteResult {
  kWritten,
  kNoSuchSetting,  // not a writable setting's name
  kSealed,         // the meter refuses every write
  kNotEncodable,   // the value does not fit the register (it would be written as another one)
  kRefused,        // not allowed for the setting, or the setting is locked
};

struct NamedWriteOutcome {
  NamedWriteResult result = NamedWriteResult::kNoSuchSetting;
  double written = 0;  // kWritten: the value as the register now holds it
};

NamedWriteOutcome WriteNamedSetting(Pro380RegisterBank& bank, std::string_view name, double value,
                                    const modbus::WriteContext& context);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_NAMED_SETTING_WRITE_H_
