#include "device/iec_readout.h"

#include "device/register_names.h"
#include "device/setting_values.h"

namespace pro380::device {

std::string_view IecValueName(IecValue value) {
  switch (value) {
    case IecValue::kNone:
      return "";
    case IecValue::kDeviceAddress:
      return "device_address";
    case IecValue::kSerialNumber:
      return "serial_number";
    case IecValue::kFirmwareVersion:
      return "software_version";  // the same value as Modbus 0x4007
    case IecValue::kErrorCode:
      return "error_code";
    case IecValue::kModbusId:
      return "modbus_id";
    case IecValue::kBaudRate:
      return "baud_rate";
    case IecValue::kParity:
      return "parity";
    case IecValue::kScrollTime:
      return "lcd_cycle_time_s";
    case IecValue::kScrollPages:
      return "lcd_scroll_groups";
    case IecValue::kBacklight:
      return "backlight_mode";
    case IecValue::kMbusPrimaryAddress:
      return "mbus_primary_address";
    case IecValue::kMbusSecondaryAddress:
      return "mbus_secondary_address";
    case IecValue::kPassword:
      return "iec_password";
  }
  return "";
}

std::string_view IecEntryName(const IecEntry& entry) {
  if (entry.shows_quantity()) return metering::QuantityInfo(entry.quantity).name;
  return IecValueName(entry.value);
}

IecReadout DecodeIecReadout(std::span<const iec62056::DataSet> sets) {
  IecReadout readout;
  for (const iec62056::DataSet& set : sets) {
    const IecEntry* entry = FindIecEntry(set.address);
    if (entry == nullptr || !entry->readable()) {
      readout.unknown.push_back(set.address);
      continue;
    }
    IecReadoutValue value{entry, std::nullopt, ""};
    const bool code = entry->value == IecValue::kDeviceAddress ||
                      entry->value == IecValue::kSerialNumber ||
                      entry->value == IecValue::kMbusSecondaryAddress;
    // A value in another unit than the table's would be misread: shown as invalid.
    if (set.unit == entry->unit) {
      value.value = ParseDecimal(set.value);
      if (code && value.value) value.text = set.value;
    }
    readout.values.push_back(std::move(value));
  }
  return readout;
}

const IecEntry* IecEntryForSetting(const RegisterDef& def) {
  for (const IecEntry& entry : kIecDataSet) {
    if (!entry.writable()) continue;
    if (IecEntryName(entry) == RegisterName(def)) return &entry;
  }
  return nullptr;
}

}  // namespace pro380::device
