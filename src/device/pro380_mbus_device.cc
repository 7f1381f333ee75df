#include "device/pro380_mbus_device.h"

#include <cmath>
#include <limits>
#include <vector>

#include "device/modbus_map.h"
#include "device/register_codec.h"
#include "device/setting_writes.h"
#include "metering/readings.h"

namespace pro380::device {
namespace {

using mbus::DataField;
using metering::QuantityId;

// The Modbus map's entry of a quantity (protocol 3.2 map, the last tables), for the resolution
// a real record shows and for the setting rules a write goes through.
const RegisterDef* ModbusEntry(QuantityId quantity) {
  const auto tables = AllRegisterTables();
  for (auto t = tables.rbegin(); t != tables.rend(); ++t) {
    for (const RegisterDef& def : *t) {
      if (def.shows_quantity() && def.quantity == quantity) return &def;
    }
  }
  return nullptr;
}

// value × 10^exponent as the wire integer, rounded as the record says. Truncation allows a few
// ulps, like the Modbus registers (register_codec.cc), so 15062.03 kWh is 1506203, not 1506202.
int64_t Scaled(double value, const MbusRecordDef& def) {
  const double scaled = value * std::pow(10.0, def.exponent);
  if (def.rounding == MbusRounding::kNearest) return std::llround(scaled);
  const double allowance = 4 * std::numeric_limits<double>::epsilon() * std::fabs(scaled);
  return static_cast<int64_t>(std::trunc(scaled + std::copysign(allowance, scaled)));
}

}  // namespace

Pro380MbusDevice::Pro380MbusDevice(metering::Meter& meter, DeviceSettings& settings)
    : meter_(meter), settings_(settings) {}

uint8_t Pro380MbusDevice::PrimaryAddress() const {
  return static_cast<uint8_t>(settings_.mbus_primary_address);
}

mbus::Identification Pro380MbusDevice::Identity() const {
  return {MbusSecondaryAddress(settings_), mbus::ManufacturerCode("INM"), kMbusVersion,
          kMbusMediumElectricity, settings_.serial_number % 100'000'000};
}

uint8_t Pro380MbusDevice::StatusBits() const {
  const metering::Diagnostics& d = meter_.diagnostics();
  return d.program_ok && d.eeprom_ok ? 0 : mbus::kStatusPermanentError;
}

void Pro380MbusDevice::AppendReadout(mbus::RecordList& out) {
  const metering::Readings readings = metering::Read(meter_);
  for (const MbusRecordDef& def : MbusRecords()) {
    double value = 0;
    if (def.shows_quantity()) {
      value = readings[def.quantity];
      // Real records show exactly the float of the Modbus register.
      if (const RegisterDef* entry = ModbusEntry(def.quantity)) value = Quantize(*entry, value);
    } else {
      switch (def.value) {
        case MbusValue::kNone:
          break;
        case MbusValue::kFabricationNumber:
          value = settings_.serial_number % 100'000'000;
          break;
        case MbusValue::kSecondaryAddress:
          value = MbusSecondaryAddress(settings_);
          break;
        case MbusValue::kPrimaryAddress:
          value = settings_.mbus_primary_address;
          break;
        case MbusValue::kBaudRate:
          value = settings_.mbus_baud_rate;
          break;
        case MbusValue::kSoftwareVersion:
          value = settings_.software_version;
          break;
        case MbusValue::kHardwareVersion:
          value = settings_.hardware_version;
          break;
      }
    }
    if (def.header.data == DataField::kReal32) {
      mbus::AppendReal32Record(out.bytes, def.header, static_cast<float>(value));
    } else {
      mbus::AppendRecord(out.bytes, def.header, Scaled(value, def));
    }
    out.EndRecord();
  }
}

bool Pro380MbusDevice::WriteRecords(std::span<const mbus::ParsedRecord> records,
                                    const mbus::RequestContext& context) {
  if (sealed_) return false;
  // All or nothing: apply to copies, keep them only when every record was accepted.
  metering::Meter meter = meter_;
  DeviceSettings settings = settings_;
  std::vector<AppliedWrite> applied;
  for (const mbus::ParsedRecord& record : records) {
    const MbusRecordDef* def = FindMbusRecord(record.header);
    if (def == nullptr || !def->writable) return false;
    // Record actions (EN 13757-3 VIFE E000 0xxx): none or 00 "write (replace)", 07 "clear".
    if (record.action_count > 1) return false;
    const bool clear = record.action_count == 1 && record.action_vifes[0] == 0x07;
    if (record.action_count == 1 && !clear && record.action_vifes[0] != 0x00) return false;
    double value = 0;
    if (def->header.data == DataField::kReal32) {
      value = mbus::DecodeReal32(record.data.first<4>());
    } else if (record.value_valid) {
      value = static_cast<double>(record.value) / std::pow(10.0, def->exponent);
    } else {
      return false;
    }
    if (clear) value = 0;
    if (!std::isfinite(value)) return false;
    std::optional<AppliedWrite> change;
    switch (def->value) {
      case MbusValue::kNone: {
        const RegisterDef* entry = ModbusEntry(def->quantity);
        if (entry == nullptr || entry->access != Access::kReadWrite) return false;
        change = ApplySettingWrite(*entry, value, meter, settings);
        break;
      }
      case MbusValue::kPrimaryAddress:  // the same rule as the front panel's menu
        change = SetMbusPrimaryAddress(value, settings);
        break;
      case MbusValue::kSecondaryAddress:
        if (value < 0 || value > kMaxMbusSecondaryAddress) return false;
        change = AppliedWrite{"mbus_secondary_address",
                              static_cast<double>(MbusSecondaryAddress(settings)), value};
        settings.mbus_secondary_address = static_cast<uint32_t>(value);
        break;
      default:
        return false;
    }
    if (!change) return false;
    applied.push_back(*change);
  }
  meter_ = meter;
  settings_ = settings;
  Report(applied, context);
  return true;
}

bool Pro380MbusDevice::SetBaudRate(int baud, const mbus::RequestContext& context) {
  if (sealed_) return false;
  const std::optional<AppliedWrite> change = SetMbusBaudRate(baud, settings_);
  if (!change) return false;
  Report(std::span(&*change, 1), context);
  return true;
}

void Pro380MbusDevice::Report(std::span<const AppliedWrite> changes,
                              const mbus::RequestContext& context) {
  if (!sink_) return;
  // The sink's context type is Modbus's; its fields mean the same for M-Bus.
  const modbus::WriteContext write_context{context.interface, context.client, context.address,
                                           context.now};
  for (const AppliedWrite& change : changes) {
    sink_({change.setting, change.old_value, change.new_value, change.persist, &write_context});
  }
}

}  // namespace pro380::device
