#include "device/device_setting_fields.h"

#include <algorithm>

#include "device/lcd_pages.h"

namespace pro380::device {
namespace {

std::string BaudRateList() {
  std::string list;
  for (const int rate : kBaudRates) list += (list.empty() ? "" : ", ") + std::to_string(rate);
  return list;
}

Status Refuse(const SettingField& field, const std::string& allowed) {
  return Status::FailedPrecondition("device setting " + field.name + " = " +
                                    std::to_string(field.value) + " is not allowed (" + allowed +
                                    ")");
}

}  // namespace

std::vector<SettingField> EncodeDeviceSettings(const DeviceSettings& settings) {
  std::vector<SettingField> fields = {
      {"modbus_id", settings.modbus_id},
      {"baud_rate", settings.baud_rate},
      {"parity", static_cast<int64_t>(settings.parity)},
      {"lcd_cycle_time_s", settings.lcd_cycle_time_s},
  };
  // The front panel's settings only when changed: stores and exports made before they existed
  // read the same, and stay readable by the builds that made them while the defaults apply.
  if (settings.lcd_scroll_groups != kDefaultLcdScrollGroups) {
    fields.push_back({"lcd_scroll_groups", settings.lcd_scroll_groups});
  }
  if (settings.backlight_mode != BacklightMode::kButton) {
    fields.push_back({"backlight_mode", static_cast<int64_t>(settings.backlight_mode)});
  }
  // The optical port's and the M-Bus settings only when changed, so the stored form of every
  // other meter is as before.
  const DeviceSettings defaults;
  if (settings.mbus_primary_address != defaults.mbus_primary_address) {
    fields.push_back({"mbus_primary_address", settings.mbus_primary_address});
  }
  if (settings.iec_password != defaults.iec_password) {
    fields.push_back({"iec_password", settings.iec_password});
  }
  if (settings.mbus_baud_rate != defaults.mbus_baud_rate) {
    fields.push_back({"mbus_baud_rate", settings.mbus_baud_rate});
  }
  if (settings.mbus_secondary_address) {
    fields.push_back({"mbus_secondary_address", *settings.mbus_secondary_address});
  }
  if (settings.meter_code) fields.push_back({"meter_code", *settings.meter_code});
  return fields;
}

Result<DeviceSettings> DecodeDeviceSettings(std::span<const SettingField> fields,
                                            DeviceSettings base) {
  DeviceSettings out = base;
  for (size_t i = 0; i < fields.size(); ++i) {
    const SettingField& f = fields[i];
    for (size_t j = 0; j < i; ++j) {
      if (fields[j].name == f.name) {
        return Status::FailedPrecondition("device setting " + f.name + " is given twice");
      }
    }
    const int64_t v = f.value;
    if (f.name == "modbus_id") {
      if (v < kMinModbusId || v > kMaxModbusId) {
        return Refuse(f, std::to_string(kMinModbusId) + ".." + std::to_string(kMaxModbusId));
      }
      out.modbus_id = static_cast<int>(v);
    } else if (f.name == "baud_rate") {
      if (std::find(kBaudRates.begin(), kBaudRates.end(), v) == kBaudRates.end()) {
        return Refuse(f, BaudRateList());
      }
      out.baud_rate = static_cast<int>(v);
    } else if (f.name == "parity") {
      if (v < static_cast<int64_t>(Parity::kEven) || v > static_cast<int64_t>(Parity::kOdd)) {
        return Refuse(f, "1 even, 2 none, 3 odd");
      }
      out.parity = static_cast<Parity>(v);
    } else if (f.name == "lcd_cycle_time_s") {
      if (v < kMinLcdCycleTimeS || v > kMaxLcdCycleTimeS) {
        return Refuse(f,
                      std::to_string(kMinLcdCycleTimeS) + ".." + std::to_string(kMaxLcdCycleTimeS));
      }
      out.lcd_cycle_time_s = static_cast<int>(v);
    } else if (f.name == "lcd_scroll_groups") {
      if (v < 0 || v > kAllPageGroups) {
        return Refuse(f, "a bit set of the page groups, 0.." + std::to_string(kAllPageGroups));
      }
      out.lcd_scroll_groups = static_cast<uint32_t>(v);
    } else if (f.name == "backlight_mode") {
      if (v < static_cast<int64_t>(BacklightMode::kButton) ||
          v > static_cast<int64_t>(BacklightMode::kOn)) {
        return Refuse(f, "0 btn, 1 off, 2 on");
      }
      out.backlight_mode = static_cast<BacklightMode>(v);
    } else if (f.name == "mbus_primary_address") {
      if (v < 0 || v > kMaxMbusPrimaryAddress) {
        return Refuse(f, "0.." + std::to_string(kMaxMbusPrimaryAddress));
      }
      out.mbus_primary_address = static_cast<int>(v);
    } else if (f.name == "mbus_baud_rate") {
      if (std::find(kBaudRates.begin(), kBaudRates.end(), v) == kBaudRates.end()) {
        return Refuse(f, BaudRateList());
      }
      out.mbus_baud_rate = static_cast<int>(v);
    } else if (f.name == "mbus_secondary_address") {
      if (v < 0 || v > kMaxMbusSecondaryAddress) {
        return Refuse(f, "0.." + std::to_string(kMaxMbusSecondaryAddress));
      }
      out.mbus_secondary_address = static_cast<uint32_t>(v);
    } else if (f.name == "iec_password") {
      if (v < 0 || v > kMaxIecPassword) return Refuse(f, "0..99999999");
      out.iec_password = static_cast<uint32_t>(v);
    } else if (f.name == "meter_code") {
      if (v < 0 || v > 0xFFFF) return Refuse(f, "0..65535");
      out.meter_code = static_cast<uint16_t>(v);
    } else {
      return Status::FailedPrecondition(
          "device setting " + f.name + " = " + std::to_string(v) +
          " is not a device setting (known: modbus_id, baud_rate, parity, lcd_cycle_time_s, "
          "lcd_scroll_groups, backlight_mode, mbus_primary_address, mbus_baud_rate, "
          "mbus_secondary_address, iec_password, meter_code)");
    }
  }
  return out;
}

}  // namespace pro380::device
