// The settings a Modbus write may change (reference pro380-protocols.md §1.6) and the values
// each allows. Used by Pro380RegisterBank on copies of the meter and settings, so that a write
// of several entries is all or nothing.
#ifndef PRO380_DEVICE_SETTING_WRITES_H_
#define PRO380_DEVICE_SETTING_WRITES_H_

#include <optional>
#include <string_view>

#include "device/device_settings.h"
#include "device/modbus_map.h"
#include "metering/meter.h"

namespace pro380::device {

struct AppliedWrite {
  std::string_view setting;
  double old_value = 0;
  double new_value = 0;
  bool persist = true;
};

// Applies `value` (decoded, in the entry's unit) to what `def` shows. Returns what changed, or
// nullopt when the value is not allowed or the setting is locked; nothing changes then.
// REQUIRES: def.access == Access::kReadWrite.
std::optional<AppliedWrite> ApplySettingWrite(const RegisterDef& def, double value,
                                              metering::Meter& meter, DeviceSettings& settings);

// The M-Bus settings of a PRO380-Mb (manual appendix 2), as an M-Bus write and the front panel
// change them: the primary address 0..250 (an integer) and the baud rate of kBaudRates. Return
// what changed, or nullopt (nothing changes) for a value not allowed.
std::optional<AppliedWrite> SetMbusPrimaryAddress(double value, DeviceSettings& settings);
std::optional<AppliedWrite> SetMbusBaudRate(int baud, DeviceSettings& settings);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_SETTING_WRITES_H_
