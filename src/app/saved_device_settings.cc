#include "app/saved_device_settings.h"

#include <string>

#include "device/device_setting_fields.h"

namespace pro380::app {

std::vector<storage::NamedSetting> DeviceSettingsToNamed(const device::DeviceSettings& settings) {
  std::vector<storage::NamedSetting> named;
  for (device::SettingField& f : device::EncodeDeviceSettings(settings)) {
    named.push_back({std::move(f.name), f.value});
  }
  return named;
}

Result<device::DeviceSettings> DeviceSettingsFromNamed(std::span<const storage::NamedSetting> named,
                                                       const device::DeviceSettings& base) {
  std::vector<device::SettingField> fields;
  fields.reserve(named.size());
  for (const storage::NamedSetting& n : named) fields.push_back({n.name, n.value});
  return device::DecodeDeviceSettings(fields, base);
}

Result<std::optional<device::DeviceSettings>> LoadSavedDeviceSettings(
    storage::StateStore& store, std::string_view key, const device::DeviceSettings& base) {
  auto named = store.LoadDeviceSettings(key);
  if (!named.ok()) return named.status();
  if (named->empty()) return std::optional<device::DeviceSettings>();
  auto settings = DeviceSettingsFromNamed(*named, base);
  if (!settings.ok()) {
    return Status::FailedPrecondition(
        "state file " + store.path() + " holds invalid device settings for meter " +
        std::string(key) + " (" + settings.status().message() + "); nothing was changed");
  }
  return std::optional<device::DeviceSettings>(std::move(*settings));
}

}  // namespace pro380::app
