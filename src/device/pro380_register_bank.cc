#include "device/pro380_register_bank.h"

#include <vector>

#include "device/register_codec.h"
#include "device/setting_writes.h"

namespace pro380::device {
namespace {

using metering::QuantityId;
using modbus::ExceptionCode;

// Register 0x4012 + k: the phase digit and 'F' (forward, P ≥ 0) or 'R' (reverse), §1.3.
double CurrentDirection(int phase_index, const metering::Readings& readings) {
  const auto power =
      static_cast<QuantityId>(static_cast<int>(QuantityId::kActivePowerL1Kw) + phase_index);
  const char direction = readings[power] < 0 ? 'R' : 'F';
  return (('1' + phase_index) << 8) | direction;
}

// Register 0x401D: the manual's diagnostics field "S 11 111" (§7.1: program and EEPROM status,
// then phase A, B, C present), its two digits in the high word and its three in the low word,
// as hex digits: the dump's 0x0011 0x0111 is a healthy meter with three phases (§1.7).
double StatusDigits(const metering::Diagnostics& diagnostics) {
  const auto digit = [](bool ok) { return ok ? 1 : 0; };
  const int health = 10 * digit(diagnostics.program_ok) + digit(diagnostics.eeprom_ok);
  int phases = 0;
  for (bool present : diagnostics.phase_present) phases = 10 * phases + digit(present);
  return 10'000.0 * health + phases;  // kBcd32: high word 00PE, low word 0ABC
}

}  // namespace

Pro380RegisterBank::Pro380RegisterBank(metering::Meter& meter, DeviceSettings& settings)
    : meter_(meter), settings_(settings) {}

double Pro380RegisterBank::Value(const RegisterDef& def, const metering::Readings& readings) const {
  if (def.shows_quantity()) return readings[def.quantity];
  const bool ct = meter_.config().ct_variant;
  switch (def.device) {
    case DeviceValue::kNone:
      break;
    case DeviceValue::kSerialNumber:
      return settings_.serial_number;
    case DeviceValue::kMeterCode:
      return MeterCode(settings_, ct);
    case DeviceValue::kModbusId:
      return settings_.modbus_id;
    case DeviceValue::kBaudRate:
      return settings_.baud_rate;
    case DeviceValue::kProtocolVersion:
      return settings_.protocol_version;
    case DeviceValue::kSoftwareVersion:
      return settings_.software_version;
    case DeviceValue::kHardwareVersion:
      return settings_.hardware_version;
    case DeviceValue::kMeterAmps:  // §1.3: 100 direct (5(100) A), 5 CT (S6)
      return ct ? 5 : 100;
    case DeviceValue::kLcdCycleTime:
      return settings_.lcd_cycle_time_s;
    case DeviceValue::kParity:
      return static_cast<int>(settings_.parity);
    case DeviceValue::kCurrentDirectionL1:
      return CurrentDirection(0, readings);
    case DeviceValue::kCurrentDirectionL2:
      return CurrentDirection(1, readings);
    case DeviceValue::kCurrentDirectionL3:
      return CurrentDirection(2, readings);
    case DeviceValue::kErrorCode:
      return settings_.error_code;
    case DeviceValue::kChecksum:
      return settings_.checksum;
    case DeviceValue::kStatusWord:
      return StatusDigits(meter_.diagnostics());
    case DeviceValue::kCtMode:
      return settings_.ct_mode;
    case DeviceValue::kSinglePhaseOnly:
      return 0;
  }
  return 0;
}

std::optional<ExceptionCode> Pro380RegisterBank::Read(modbus::FunctionCode /*function*/,
                                                      uint16_t address, std::span<uint16_t> out) {
  // FC03 and FC04 read the same registers (product.md, "Behaviour decided").
  for (std::size_t i = 0; i < out.size(); ++i) {
    const uint32_t a = uint32_t{address} + i;
    if (a > 0xFFFF || FindRegister(static_cast<uint16_t>(a)) == nullptr) {
      return ExceptionCode::kIllegalDataAddress;
    }
  }
  const metering::Readings readings = metering::Read(meter_);
  std::size_t i = 0;
  while (i < out.size()) {
    const auto a = static_cast<uint16_t>(address + i);
    const RegisterDef& def = *FindRegister(a);
    const EntryWords words = Encode(def, Value(def, readings));
    for (uint32_t w = a - def.address; w < def.count() && i < out.size(); ++w) out[i++] = words[w];
  }
  return std::nullopt;
}

std::optional<ExceptionCode> Pro380RegisterBank::Write(uint16_t address,
                                                       std::span<const uint16_t> words,
                                                       const modbus::WriteContext& context) {
  // The range must be whole writable entries.
  struct Pending {
    const RegisterDef* def;
    std::span<const uint16_t> words;
  };
  std::vector<Pending> pending;
  for (std::size_t i = 0; i < words.size();) {
    const uint32_t a = uint32_t{address} + i;
    const RegisterDef* def = a <= 0xFFFF ? FindRegister(static_cast<uint16_t>(a)) : nullptr;
    if (def == nullptr || def->address != a || def->access != Access::kReadWrite ||
        words.size() - i < def->count()) {
      return ExceptionCode::kIllegalDataAddress;
    }
    pending.push_back({def, words.subspan(i, def->count())});
    i += def->count();
  }
  if (sealed_) return ExceptionCode::kIllegalDataValue;

  // All or nothing: apply to copies, keep them only when every entry was accepted.
  metering::Meter meter = meter_;
  DeviceSettings settings = settings_;
  std::vector<AppliedWrite> applied;
  for (const Pending& p : pending) {
    const std::optional<double> value = Decode(p.def->encoding, p.words);
    if (!value) return ExceptionCode::kIllegalDataValue;
    std::optional<AppliedWrite> change = ApplySettingWrite(*p.def, *value, meter, settings);
    if (!change) return ExceptionCode::kIllegalDataValue;
    applied.push_back(*change);
  }
  meter_ = meter;
  settings_ = settings;
  if (sink_) {
    for (const AppliedWrite& change : applied) {
      sink_({change.setting, change.old_value, change.new_value, change.persist, &context});
    }
  }
  return std::nullopt;
}

}  // namespace pro380::device
