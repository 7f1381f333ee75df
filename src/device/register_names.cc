#include "device/register_names.h"

#include "device/modbus_map_v32.h"

namespace pro380::device {
namespace {

constexpr std::array<std::span<const RegisterDef>, 3> kV32Tables = {
    v32::kInfoBlock, v32::kMeasurementBlock, v32::kEnergyBlock};

}  // namespace

std::string_view DeviceValueName(DeviceValue value) {
  switch (value) {
    case DeviceValue::kNone:
      return "";
    case DeviceValue::kSerialNumber:
      return "serial_number";
    case DeviceValue::kMeterCode:
      return "meter_code";
    case DeviceValue::kModbusId:
      return "modbus_id";
    case DeviceValue::kBaudRate:
      return "baud_rate";
    case DeviceValue::kProtocolVersion:
      return "protocol_version";
    case DeviceValue::kSoftwareVersion:
      return "software_version";
    case DeviceValue::kHardwareVersion:
      return "hardware_version";
    case DeviceValue::kMeterAmps:
      return "meter_amps";
    case DeviceValue::kLcdCycleTime:
      return "lcd_cycle_time_s";
    case DeviceValue::kParity:
      return "parity";
    case DeviceValue::kCurrentDirectionL1:
      return "current_direction_l1";
    case DeviceValue::kCurrentDirectionL2:
      return "current_direction_l2";
    case DeviceValue::kCurrentDirectionL3:
      return "current_direction_l3";
    case DeviceValue::kErrorCode:
      return "error_code";
    case DeviceValue::kChecksum:
      return "checksum";
    case DeviceValue::kStatusWord:
      return "status_word";
    case DeviceValue::kCtMode:
      return "ct_mode";
    case DeviceValue::kSinglePhaseOnly:
      return "single_phase_only";
  }
  return "";
}

std::string_view RegisterName(const RegisterDef& def) {
  return def.shows_quantity() ? metering::QuantityInfo(def.quantity).name
                              : DeviceValueName(def.device);
}

const RegisterDef* FindWritableSetting(std::string_view name) {
  for (std::span<const RegisterDef> table : kV32Tables) {
    for (const RegisterDef& def : table) {
      if (def.access == Access::kReadWrite && RegisterName(def) == name) return &def;
    }
  }
  return nullptr;
}

const RegisterDef* FindQuantityRegister(metering::QuantityId quantity) {
  for (std::span<const RegisterDef> table : kV32Tables) {
    for (const RegisterDef& def : table) {
      if (def.shows_quantity() && def.quantity == quantity) return &def;
    }
  }
  return nullptr;
}

}  // namespace pro380::device
