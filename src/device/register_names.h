// Names of what a Modbus register entry shows, for views that list registers (the web page, the
// REST API): the quantity's canonical name, or a snake_case name of the device value.
#ifndef PRO380_DEVICE_REGISTER_NAMES_H_
#define PRO380_DEVICE_REGISTER_NAMES_H_

#include <string_view>

#include "device/modbus_map.h"

namespace pro380::device {

std::string_view DeviceValueName(DeviceValue value);

// The quantity name or DeviceValueName of what `def` shows.
std::string_view RegisterName(const RegisterDef& def);

// The writable protocol 3.2 entry whose name (RegisterName) is `name`, or nullptr: the settings a
// bus write may change (modbus_id, baud_rate, parity, lcd_cycle_time_s, s0_rate, combined_code,
// power_down_count, tariff, day_counter_kwh).
const RegisterDef* FindWritableSetting(std::string_view name);

// The protocol 3.2 entry that shows `quantity`, or nullptr (pulse counters have none).
const RegisterDef* FindQuantityRegister(metering::QuantityId quantity);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_REGISTER_NAMES_H_
