#include "device/pro380_iec_provider.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "device/lcd_pages.h"
#include "device/setting_values.h"
#include "device/setting_writes.h"

namespace pro380::device {
namespace {

using iec62056::CommandError;
using metering::QuantityId;

std::string EightDigits(uint32_t value) {
  std::string digits = std::to_string(value);
  if (digits.size() < 8) digits.insert(0, 8 - digits.size(), '0');
  return digits;
}

// `value` with `decimals` digits after the point (fixed), or as short as exact (decimals < 0).
std::string Number(double value, int decimals) {
  char buffer[400];  // any double in fixed notation fits
  const auto result = decimals < 0 ? std::to_chars(buffer, buffer + sizeof buffer, value,
                                                   std::chars_format::general, 10)
                                   : std::to_chars(buffer, buffer + sizeof buffer, value,
                                                   std::chars_format::fixed, decimals);
  return std::string(buffer, result.ptr);
}

uint32_t SecondaryAddress(const DeviceSettings& settings) {
  return settings.mbus_secondary_address.value_or(settings.serial_number % 100'000'000);
}

}  // namespace

std::string FormatIecValue(const IecEntry& entry, double value) {
  if (entry.value == IecValue::kPassword) return "";
  if (entry.value == IecValue::kDeviceAddress || entry.value == IecValue::kSerialNumber ||
      entry.value == IecValue::kMbusSecondaryAddress) {
    return EightDigits(static_cast<uint32_t>(value));
  }
  if (entry.decimals < 0) return Number(value, -1);
  if (entry.shows_quantity() &&
      metering::QuantityInfo(entry.quantity).kind == metering::QuantityKind::kEnergy) {
    // Completed hundredths, as the registers and the display show them (never rounded up),
    // the integer part padded to the display's 6 digits.
    const double scale = std::pow(10.0, entry.decimals);
    std::string text = Number(std::floor(value * scale + 1e-6) / scale, entry.decimals);
    const std::size_t width = 7 + static_cast<std::size_t>(entry.decimals);
    const std::size_t sign = text.starts_with('-') ? 1 : 0;  // C-06 totals may be negative
    if (text.size() < width + sign) text.insert(sign, width + sign - text.size(), '0');
    return text;
  }
  std::string text = Number(value, entry.decimals);
  if (text.find_first_not_of("-0.") == std::string::npos) text = Number(0.0, entry.decimals);
  return text;  // no "-0.000"
}

Pro380IecProvider::Pro380IecProvider(metering::Meter& meter, DeviceSettings& settings,
                                     std::string model)
    : meter_(meter), settings_(settings), model_(std::move(model)) {}

bool Pro380IecProvider::MatchesAddress(std::string_view address) const {
  // The printed 8 digits, or the same number with fewer leading zeros.
  if (address.empty() || address.size() > 10 ||
      address.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  return std::strtoull(std::string(address).c_str(), nullptr, 10) == settings_.serial_number;
}

std::string Pro380IecProvider::PasswordOperand() const {
  return EightDigits(settings_.serial_number);
}

bool Pro380IecProvider::CheckPassword(std::string_view password) const {
  return password == EightDigits(settings_.iec_password);
}

double Pro380IecProvider::Value(const IecEntry& entry, const metering::Readings& readings) const {
  if (entry.shows_quantity()) return readings[entry.quantity];
  switch (entry.value) {
    case IecValue::kNone:
    case IecValue::kPassword:
      return 0;
    case IecValue::kDeviceAddress:
    case IecValue::kSerialNumber:
      return settings_.serial_number;
    case IecValue::kFirmwareVersion:
      return settings_.software_version;
    case IecValue::kErrorCode:
      return settings_.error_code;
    case IecValue::kModbusId:
      return settings_.modbus_id;
    case IecValue::kBaudRate:
      return settings_.baud_rate;
    case IecValue::kParity:
      return static_cast<int>(settings_.parity);
    case IecValue::kScrollTime:
      return settings_.lcd_cycle_time_s;
    case IecValue::kScrollPages:
      return settings_.lcd_scroll_groups;
    case IecValue::kBacklight:
      return static_cast<int>(settings_.backlight_mode);
    case IecValue::kMbusPrimaryAddress:
      return settings_.mbus_primary_address;
    case IecValue::kMbusSecondaryAddress:
      return SecondaryAddress(settings_);
  }
  return 0;
}

iec62056::DataSet Pro380IecProvider::Show(const IecEntry& entry,
                                          const metering::Readings& readings) const {
  return {std::string(entry.code), FormatIecValue(entry, Value(entry, readings)),
          std::string(entry.unit)};
}

std::vector<iec62056::DataSet> Pro380IecProvider::Readout() const {
  const metering::Readings readings = metering::Read(meter_);
  std::vector<iec62056::DataSet> sets;
  sets.reserve(kIecDataSet.size());
  for (const IecEntry& entry : kIecDataSet) {
    if (entry.readable()) sets.push_back(Show(entry, readings));
  }
  return sets;
}

std::variant<iec62056::DataSet, CommandError> Pro380IecProvider::Read(
    std::string_view address) const {
  const IecEntry* entry = FindIecEntry(address);
  if (entry == nullptr) return CommandError::kUnknownAddress;
  if (!entry->readable()) return CommandError::kNotReadable;
  return Show(*entry, metering::Read(meter_));
}

std::variant<std::monostate, CommandError> Pro380IecProvider::Write(
    std::string_view address, std::string_view text, const iec62056::CommandContext& context) {
  const IecEntry* entry = FindIecEntry(address);
  if (entry == nullptr) return CommandError::kUnknownAddress;
  if (!entry->writable()) return CommandError::kNotWritable;
  if (sealed_) return CommandError::kLocked;
  const std::optional<double> value = ParseDecimal(text);
  if (!value) return CommandError::kBadValue;

  std::optional<AppliedWrite> applied;
  const auto set_int = [&](std::string_view name, auto& field, double min, double max) {
    if (!IsWholeNumber(*value) || *value < min || *value > max) return;
    applied = AppliedWrite{name, static_cast<double>(field), *value};
    field = static_cast<std::remove_reference_t<decltype(field)>>(*value);
  };
  if (entry->shows_quantity()) {
    // The rules of a Modbus write of the same quantity (allowed values, C-10 final).
    const RegisterDef def = Setting(0, entry->quantity, Encoding::kFloat32, Access::kReadWrite);
    applied = ApplySettingWrite(def, *value, meter_, settings_);
    if (!applied && entry->quantity == QuantityId::kCombinedCode && IsWholeNumber(*value) &&
        metering::CombinedCodeFromNumber(static_cast<int>(*value)) &&
        meter_.config().combined_code == metering::CombinedCode::kNetted) {
      return CommandError::kLocked;
    }
  } else {
    switch (entry->value) {
      case IecValue::kModbusId:
        applied = ApplySettingWrite(Device(0, DeviceValue::kModbusId, Encoding::kS16), *value,
                                    meter_, settings_);
        break;
      case IecValue::kBaudRate:
        applied = ApplySettingWrite(Device(0, DeviceValue::kBaudRate, Encoding::kS16), *value,
                                    meter_, settings_);
        break;
      case IecValue::kParity:
        applied = ApplySettingWrite(Device(0, DeviceValue::kParity, Encoding::kS16), *value, meter_,
                                    settings_);
        break;
      case IecValue::kScrollTime:
        applied = ApplySettingWrite(Device(0, DeviceValue::kLcdCycleTime, Encoding::kS16), *value,
                                    meter_, settings_);
        break;
      case IecValue::kScrollPages:
        set_int("lcd_scroll_groups", settings_.lcd_scroll_groups, 0, kAllPageGroups);
        break;
      case IecValue::kBacklight: {
        int mode = static_cast<int>(settings_.backlight_mode);
        set_int("backlight_mode", mode, 0, static_cast<int>(BacklightMode::kOn));
        settings_.backlight_mode = static_cast<BacklightMode>(mode);
        break;
      }
      case IecValue::kMbusPrimaryAddress:
        set_int("mbus_primary_address", settings_.mbus_primary_address, 0, kMaxMbusPrimaryAddress);
        break;
      case IecValue::kMbusSecondaryAddress: {
        uint32_t secondary = SecondaryAddress(settings_);
        set_int("mbus_secondary_address", secondary, 0, kMaxMbusSecondaryAddress);
        if (applied) settings_.mbus_secondary_address = secondary;
        break;
      }
      case IecValue::kPassword:
        // The new password is not logged: the event shows that it changed, 0 -> 0.
        if (text.size() == 8 && text.find_first_not_of("0123456789") == std::string_view::npos) {
          settings_.iec_password = static_cast<uint32_t>(*value);
          applied = AppliedWrite{"iec_password", 0, 0};
        }
        break;
      default:
        return CommandError::kNotWritable;
    }
  }
  if (!applied) return CommandError::kBadValue;
  if (sink_) {
    const modbus::WriteContext write_context{context.interface, context.client, 0, meter_.now()};
    sink_(SettingChange{applied->setting, applied->old_value, applied->new_value, applied->persist,
                        &write_context});
  }
  return std::monostate{};
}

const IecEntry* FindIecEntry(std::string_view code) {
  for (const IecEntry& entry : kIecDataSet) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

}  // namespace pro380::device
