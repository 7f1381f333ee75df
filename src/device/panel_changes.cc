#include "device/panel_changes.h"

#include "device/modbus_map.h"

namespace pro380::device {
namespace {

// The Modbus entry of a setting the buttons share with the bus (reference §1.6).
std::optional<AppliedWrite> WriteLike(uint16_t address, double value, metering::Meter& meter,
                                      DeviceSettings& settings) {
  const RegisterDef* def = FindRegister(address);
  if (def == nullptr || def->access != Access::kReadWrite) return std::nullopt;
  return ApplySettingWrite(*def, value, meter, settings);
}

}  // namespace

std::optional<AppliedWrite> ApplyPanelChange(const PanelChange& change, metering::Meter& meter,
                                             DeviceSettings& settings) {
  switch (change.kind) {
    case PanelChange::Kind::kResetDayCounter:
      return WriteLike(0x6049, 0.0, meter, settings);
    case PanelChange::Kind::kSetScrollTime:
      return WriteLike(0x4010, change.value, meter, settings);
    case PanelChange::Kind::kSetMeterId:
      return WriteLike(0x4003, change.value, meter, settings);
    case PanelChange::Kind::kSetMbusAddress:  // a PRO380-Mb: the rule of an M-Bus write
      return SetMbusPrimaryAddress(change.value, settings);
    case PanelChange::Kind::kSetBacklightMode: {
      if (change.value < 0 || change.value > static_cast<int>(BacklightMode::kOn)) {
        return std::nullopt;
      }
      const AppliedWrite applied{"backlight_mode", static_cast<double>(settings.backlight_mode),
                                 static_cast<double>(change.value)};
      settings.backlight_mode = static_cast<BacklightMode>(change.value);
      return applied;
    }
    case PanelChange::Kind::kSetCtRatio: {
      const metering::MeterConfig& config = meter.config();
      if (!config.ct_variant || config.ct_locked || config.ct_ratio != 0) return std::nullopt;
      if (meter.SetCtRatio(change.value) != metering::SettingOutcome::kApplied) {
        return std::nullopt;
      }
      meter.LockCtRatio();
      return AppliedWrite{"ct_ratio", 0.0, static_cast<double>(change.value)};
    }
  }
  return std::nullopt;
}

}  // namespace pro380::device
