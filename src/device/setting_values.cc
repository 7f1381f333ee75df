#include "device/setting_values.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "device/device_settings.h"
#include "device/modbus_map_v32.h"
#include "device/register_names.h"
#include "metering/s0_rate.h"
#include "metering/types.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

// The allowed values of `def` in words, and whether `value` is one of them.
struct Rule {
  std::string allowed;
  bool ok;
};

Rule Check(const RegisterDef& def, double value) {
  if (!def.shows_quantity()) {
    switch (def.device) {
      case DeviceValue::kModbusId:
        return {"an integer 1..247",
                IsWholeNumber(value) && value >= kMinModbusId && value <= kMaxModbusId};
      case DeviceValue::kBaudRate:
        return {"300, 600, 1200, 2400, 4800, 9600",
                std::find(kBaudRates.begin(), kBaudRates.end(), value) != kBaudRates.end()};
      case DeviceValue::kLcdCycleTime:
        return {"an integer 1..30",
                IsWholeNumber(value) && value >= kMinLcdCycleTimeS && value <= kMaxLcdCycleTimeS};
      case DeviceValue::kParity:
        return {"1 or E (even), 2 or N (none), 3 or O (odd)",
                value == 1 || value == 2 || value == 3};
      default:
        return {"nothing (read-only)", false};
    }
  }
  switch (def.quantity) {
    case QuantityId::kS0Rate:
      return {"10000, 2000, 1000, 100, 10, 1, 0.1, 0.01",
              std::any_of(metering::kS0Rates.begin(), metering::kS0Rates.end(),
                          [&](const metering::S0Rate& r) { return r.impulses_per_kwh == value; })};
    case QuantityId::kCombinedCode:
      return {"1, 4, 5, 6, 9, 10, 11 (10 is final once set)",
              IsWholeNumber(value) &&
                  metering::CombinedCodeFromNumber(static_cast<int>(value)).has_value()};
    case QuantityId::kPowerDownCount:
      return {"0 (reset)", value == 0};
    case QuantityId::kTariff:
      return {"1, 2 (saved), 11, 12 (the same, not saved)",
              value == 1 || value == 2 || value == 11 || value == 12};
    case QuantityId::kDayCounterKwh:
      return {"0 (reset)", value == 0};
    default:
      return {"nothing (read-only)", false};
  }
}

}  // namespace

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

bool IsWholeNumber(double value) { return std::nearbyint(value) == value; }

std::string WritableSettingNames() {
  std::string names;
  for (std::span<const RegisterDef> table : {std::span<const RegisterDef>(v32::kInfoBlock),
                                             std::span<const RegisterDef>(v32::kEnergyBlock)}) {
    for (const RegisterDef& def : table) {
      if (def.access != Access::kReadWrite) continue;
      names += (names.empty() ? "" : ", ") + std::string(RegisterName(def));
    }
  }
  return names;
}

Result<const RegisterDef*> WritableSetting(std::string_view name) {
  const RegisterDef* def = FindWritableSetting(name);
  if (def == nullptr) {
    return Status::InvalidArgument(
        "'" + std::string(name) +
        "' is not a setting a Modbus write may change; writable: " + WritableSettingNames());
  }
  return def;
}

Result<double> ParseSettingValue(const RegisterDef& def, std::string_view text) {
  std::optional<double> value = ParseDecimal(text);
  if (!value && def.device == DeviceValue::kParity && text.size() == 1) {
    const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    if (letter == 'E') value = 1;
    if (letter == 'N') value = 2;
    if (letter == 'O') value = 3;
  }
  const Rule rule = Check(def, value.value_or(NAN));
  if (!value || !rule.ok) {
    return Status::InvalidArgument(std::string(RegisterName(def)) + "=" + std::string(text) +
                                   ": allowed values are " + rule.allowed);
  }
  return *value;
}

double ExpectedReadBack(const RegisterDef& def, double written) {
  if (def.shows_quantity() && def.quantity == QuantityId::kTariff && written > 10) {
    return written - 10;
  }
  return written;
}

bool ReadBackMatches(const RegisterDef& def, double expected, std::optional<double> got) {
  if (!got) return false;
  if (def.shows_quantity() && def.quantity == QuantityId::kDayCounterKwh) {
    return *got >= expected && *got <= expected + 0.01 + 1e-9;
  }
  return std::fabs(*got - expected) <= 1e-9 * std::max(1.0, std::fabs(expected));
}

}  // namespace pro380::device
