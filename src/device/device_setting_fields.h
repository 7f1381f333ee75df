// DeviceSettings as named integer fields: the one mapping between a meter's device settings and
// their stored names, used for the state store's `device_settings` table and the
// `device_settings` object of `pro380 state export|import` (docs/formats/state.md). DO NOT CHANGE
// the names or the encodings: they are the stored format.
//
// Persisted: what a Modbus write or the configuration may change and a restart must keep —
// `modbus_id`, `baud_rate`, `parity` (the wire value of Parity: 1 even, 2 none, 3 odd),
// `lcd_cycle_time_s`, `lcd_scroll_groups` (bits of device::PageGroup) and `backlight_mode` (0 btn,
// 1 off, 2 on), both absent while they have their defaults, `mbus_primary_address`,
// `mbus_baud_rate` and the optical port's `iec_password` (absent while they have their defaults),
// `mbus_secondary_address` (absent while it is the serial's preset) and `meter_code` (absent when
// the variant's default applies). Not persisted: the serial number (it is the meter's key) and
// the firmware facts (versions, checksum, CT mode, error code), which belong to the build, not to
// the meter's history.
#ifndef PRO380_DEVICE_DEVICE_SETTING_FIELDS_H_
#define PRO380_DEVICE_DEVICE_SETTING_FIELDS_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "device/device_settings.h"

namespace pro380::device {

struct SettingField {
  std::string name;
  int64_t value = 0;

  friend bool operator==(const SettingField&, const SettingField&) = default;
};

// Every persisted field of `settings`, in a fixed order (the optional ones last, only when set).
std::vector<SettingField> EncodeDeviceSettings(const DeviceSettings& settings);

// The inverse, applied to `base` (which supplies the serial number and the firmware facts). A
// field that is absent keeps base's value: an empty list is a meter whose settings were never
// saved (schema version 1, an export made before settings were exported), and a field added by
// a later version has its default. Every value must be one the device allows
// (device_settings.h); an unknown name, a name given twice or a value not allowed is
// FailedPrecondition naming the field and the value — a damaged store is refused, never repaired.
Result<DeviceSettings> DecodeDeviceSettings(std::span<const SettingField> fields,
                                            DeviceSettings base = {});

}  // namespace pro380::device

#endif  // PRO380_DEVICE_DEVICE_SETTING_FIELDS_H_
