#include "device/setting_writes.h"

#include <algorithm>
#include <cmath>

namespace pro380::device {
namespace {

using metering::QuantityId;

bool IsInteger(double value) { return std::nearbyint(value) == value; }

std::optional<AppliedWrite> SetInt(std::string_view name, int& field, double value, int min,
                                   int max) {
  if (!IsInteger(value) || value < min || value > max) return std::nullopt;
  const AppliedWrite change{name, static_cast<double>(field), value};
  field = static_cast<int>(value);
  return change;
}

std::optional<AppliedWrite> WriteDeviceValue(DeviceValue value_kind, double value,
                                             DeviceSettings& settings) {
  switch (value_kind) {
    case DeviceValue::kModbusId:  // §1.6 "01~247"
      return SetInt("modbus_id", settings.modbus_id, value, kMinModbusId, kMaxModbusId);
    case DeviceValue::kBaudRate: {  // §1.6, §1.10
      if (std::find(kBaudRates.begin(), kBaudRates.end(), value) == kBaudRates.end()) {
        return std::nullopt;
      }
      return SetInt("baud_rate", settings.baud_rate, value, kBaudRates.front(), kBaudRates.back());
    }
    case DeviceValue::kLcdCycleTime:  // §1.6 "01~30", BCD-like
      return SetInt("lcd_cycle_time_s", settings.lcd_cycle_time_s, value, kMinLcdCycleTimeS,
                    kMaxLcdCycleTimeS);
    case DeviceValue::kParity: {  // §1.6 "01 even, 02 none, 03 odd"
      int parity = static_cast<int>(settings.parity);
      auto change = SetInt("parity", parity, value, 1, 3);
      if (change) settings.parity = static_cast<Parity>(parity);
      return change;
    }
    default:
      return std::nullopt;
  }
}

std::optional<AppliedWrite> WriteQuantity(QuantityId quantity, double value,
                                          metering::Meter& meter) {
  const std::string_view name = metering::QuantityInfo(quantity).name;
  const metering::MeterConfig& config = meter.config();
  switch (quantity) {
    case QuantityId::kS0Rate: {  // §1.6: FC10, a float of the manual's list
      const double old = config.s0_rate.impulses_per_kwh;
      if (meter.SetS0Rate(value) != metering::SettingOutcome::kApplied) return std::nullopt;
      return AppliedWrite{name, old, meter.config().s0_rate.impulses_per_kwh};
    }
    case QuantityId::kCombinedCode: {  // §1.6: 1, 4, 5, 6, 9, 10, 11; C-10 is final
      const auto code = IsInteger(value) ? metering::CombinedCodeFromNumber(static_cast<int>(value))
                                         : std::nullopt;
      const double old = static_cast<int>(config.combined_code);
      if (!code || meter.SetCombinedCode(*code) != metering::SettingOutcome::kApplied) {
        return std::nullopt;
      }
      return AppliedWrite{name, old, value};
    }
    case QuantityId::kPowerDownCount: {  // §1.6: "reset to 0"
      if (value != 0) return std::nullopt;
      const auto old = static_cast<double>(meter.power_down_count());
      meter.set_power_down_count(0);
      return AppliedWrite{name, old, 0};
    }
    case QuantityId::kTariff: {  // §1.6: 1, 2; 11, 12 = the same "not saved" (S5)
      const double old = static_cast<int>(config.tariff) + 1;
      const bool saved = value == 1 || value == 2;
      if (!saved && value != 11 && value != 12) return std::nullopt;
      const bool t2 = value == 2 || value == 12;
      meter.SetTariff(t2 ? metering::Tariff::kT2 : metering::Tariff::kT1);
      return AppliedWrite{name, old, t2 ? 2.0 : 1.0, saved};
    }
    case QuantityId::kDayCounterKwh: {  // §1.6: FC10, 0.0 = reset
      if (value != 0) return std::nullopt;
      const double old = static_cast<double>(meter.day_counter_uwh()) * 1e-9;
      meter.ResetDayCounter();
      return AppliedWrite{name, old, 0};
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<AppliedWrite> ApplySettingWrite(const RegisterDef& def, double value,
                                              metering::Meter& meter, DeviceSettings& settings) {
  if (def.shows_quantity()) return WriteQuantity(def.quantity, value, meter);
  return WriteDeviceValue(def.device, value, settings);
}

std::optional<AppliedWrite> SetMbusPrimaryAddress(double value, DeviceSettings& settings) {
  return SetInt("mbus_primary_address", settings.mbus_primary_address, value,
                kMinMbusPrimaryAddress, kMaxMbusPrimaryAddress);
}

std::optional<AppliedWrite> SetMbusBaudRate(int baud, DeviceSettings& settings) {
  if (std::find(kBaudRates.begin(), kBaudRates.end(), baud) == kBaudRates.end()) {
    return std::nullopt;
  }
  return SetInt("mbus_baud_rate", settings.mbus_baud_rate, baud, kBaudRates.front(),
                kBaudRates.back());
}

}  // namespace pro380::device
