// A meter's DeviceSettings in the state store: the glue between the device layer's named fields
// (device/device_setting_fields.h, which owns the names and the allowed values) and the store's
// NamedSetting rows, which the storage layer keeps without knowing the device.
#ifndef PRO380_APP_SAVED_DEVICE_SETTINGS_H_
#define PRO380_APP_SAVED_DEVICE_SETTINGS_H_

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "device/device_settings.h"
#include "storage/state_store.h"

namespace pro380::app {

// The persisted fields of `settings`, as the store keeps them.
std::vector<storage::NamedSetting> DeviceSettingsToNamed(const device::DeviceSettings& settings);

// Stored fields decoded onto `base` (which supplies the serial, the firmware facts and every field
// not given). An unknown name or a value the device does not allow is FailedPrecondition naming
// the field and the value.
Result<device::DeviceSettings> DeviceSettingsFromNamed(std::span<const storage::NamedSetting> named,
                                                       const device::DeviceSettings& base = {});

// Meter `key`'s saved settings decoded onto `base`, or nullopt when the store has none for it (a
// meter saved by schema version 1, or by a process that did not save them). A damaged list is
// FailedPrecondition naming the file, the meter, the field and the value; it is never repaired.
Result<std::optional<device::DeviceSettings>> LoadSavedDeviceSettings(
    storage::StateStore& store, std::string_view key, const device::DeviceSettings& base);

}  // namespace pro380::app

#endif  // PRO380_APP_SAVED_DEVICE_SETTINGS_H_
