#include "device/mbus_readout.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "device/modbus_map.h"

namespace pro380::device {
namespace {

using mbus::DataField;

// The Modbus register of a quantity (the last map's), for the resolution a real record has.
const RegisterDef* ModbusRegisterOf(metering::QuantityId quantity) {
  const auto tables = AllRegisterTables();
  for (auto t = tables.rbegin(); t != tables.rend(); ++t) {
    for (const RegisterDef& def : *t) {
      if (def.shows_quantity() && def.quantity == quantity) return &def;
    }
  }
  return nullptr;
}

// A float as the shortest decimal that is the same float: 3.2, not 3.2000000476837.
double ShortestDecimal(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text - 1, value);
  *result.ptr = '\0';
  return std::strtod(text, nullptr);
}

std::string Digits8(int64_t value) {
  std::string text = std::to_string(value);
  return text.size() < 8 ? std::string(8 - text.size(), '0') + text : text;
}

MbusReadoutValue Decode(const MbusRecordDef& def, const mbus::ParsedRecord& record) {
  MbusReadoutValue out;
  out.def = &def;
  out.name = MbusValueName(def);
  if (def.shows_quantity()) out.unit = metering::QuantityInfo(def.quantity).unit;
  const bool real = def.header.data == DataField::kReal32;
  if (real) {
    const float f = mbus::DecodeReal32(record.data.first<4>());
    if (!std::isfinite(f)) return out;
    const RegisterDef* reg = def.shows_quantity() ? ModbusRegisterOf(def.quantity) : nullptr;
    if (reg != nullptr && reg->decimals >= 0) {
      out.decimals = reg->decimals;
      const double scale = std::pow(10.0, reg->decimals);
      out.value = std::round(static_cast<double>(f) * scale) / scale;
    } else {
      out.value = ShortestDecimal(f);
    }
    return out;
  }
  if (!record.value_valid) return out;
  out.decimals = def.exponent;
  out.integral = def.exponent == 0;
  out.value = static_cast<double>(record.value) / std::pow(10.0, def.exponent);
  if (def.value == MbusValue::kFabricationNumber || def.value == MbusValue::kSecondaryAddress) {
    out.text = Digits8(record.value);
  }
  return out;
}

}  // namespace

std::string_view MbusValueName(const MbusRecordDef& def) {
  switch (def.value) {
    case MbusValue::kNone:
      return metering::QuantityInfo(def.quantity).name;
    case MbusValue::kFabricationNumber:
      return "fabrication_number";
    case MbusValue::kSecondaryAddress:
      return "mbus_secondary_address";
    case MbusValue::kPrimaryAddress:
      return "mbus_primary_address";
    case MbusValue::kBaudRate:
      return "mbus_baud_rate";
    case MbusValue::kSoftwareVersion:
      return "software_version";
    case MbusValue::kHardwareVersion:
      return "hardware_version";
  }
  return "";
}

Result<MbusReadout> DecodeMbusReadout(std::span<const uint8_t> records) {
  auto parsed = mbus::ParseRecords(records);
  if (!parsed.ok()) return parsed.status();
  MbusReadout readout;
  for (const mbus::ParsedRecord& record : *parsed) {
    const MbusRecordDef* def = FindMbusRecord(record.header);
    if (def == nullptr) {
      ++readout.unknown_records;
      continue;
    }
    readout.values.push_back(Decode(*def, record));
  }
  return readout;
}

}  // namespace pro380::device
