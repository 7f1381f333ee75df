// The one quantity table of pro380 (product.md, "Canonical quantity names"). Every interface
// binds to these ids: the JSON of `simulate --json`, the REST API, MQTT topics, Prometheus names
// (pro380_<name>), and, in device/, the Modbus registers, M-Bus records and OBIS codes. Names are
// snake_case with the unit last; values are in the unit the Modbus map uses (kW, kWh, …).
// Order: instantaneous block (Modbus 0x5000), energy block (0x6000, same order), outputs, device.
#ifndef PRO380_METERING_QUANTITY_H_
#define PRO380_METERING_QUANTITY_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace pro380::metering {

enum class QuantityKind { kInstantaneous, kEnergy, kOutput, kDevice };

enum class QuantityId : int {
  kVoltageL1V,
  kVoltageL2V,
  kVoltageL3V,
  kFrequencyHz,
  kCurrentL1A,
  kCurrentL2A,
  kCurrentL3A,
  kActivePowerKw,
  kActivePowerL1Kw,
  kActivePowerL2Kw,
  kActivePowerL3Kw,
  kReactivePowerKvar,
  kReactivePowerL1Kvar,
  kReactivePowerL2Kvar,
  kReactivePowerL3Kvar,
  kApparentPowerKva,
  kApparentPowerL1Kva,
  kApparentPowerL2Kva,
  kApparentPowerL3Kva,
  kPowerFactor,
  kPowerFactorL1,
  kPowerFactorL2,
  kPowerFactorL3,
  kActiveEnergyKwh,
  kActiveEnergyT1Kwh,
  kActiveEnergyT2Kwh,
  kActiveEnergyL1Kwh,
  kActiveEnergyL2Kwh,
  kActiveEnergyL3Kwh,
  kForwardActiveEnergyKwh,
  kForwardActiveEnergyT1Kwh,
  kForwardActiveEnergyT2Kwh,
  kForwardActiveEnergyL1Kwh,
  kForwardActiveEnergyL2Kwh,
  kForwardActiveEnergyL3Kwh,
  kReverseActiveEnergyKwh,
  kReverseActiveEnergyT1Kwh,
  kReverseActiveEnergyT2Kwh,
  kReverseActiveEnergyL1Kwh,
  kReverseActiveEnergyL2Kwh,
  kReverseActiveEnergyL3Kwh,
  kReactiveEnergyKvarh,
  kReactiveEnergyT1Kvarh,
  kReactiveEnergyT2Kvarh,
  kReactiveEnergyL1Kvarh,
  kReactiveEnergyL2Kvarh,
  kReactiveEnergyL3Kvarh,
  kForwardReactiveEnergyKvarh,
  kForwardReactiveEnergyT1Kvarh,
  kForwardReactiveEnergyT2Kvarh,
  kForwardReactiveEnergyL1Kvarh,
  kForwardReactiveEnergyL2Kvarh,
  kForwardReactiveEnergyL3Kvarh,
  kReverseReactiveEnergyKvarh,
  kReverseReactiveEnergyT1Kvarh,
  kReverseReactiveEnergyT2Kvarh,
  kReverseReactiveEnergyL1Kvarh,
  kReverseReactiveEnergyL2Kvarh,
  kReverseReactiveEnergyL3Kvarh,
  kTariff,
  kDayCounterKwh,
  kS0ForwardPulses,
  kS0ReversePulses,
  kLedActivePulses,
  kLedReactivePulses,
  kPowerDownCount,
  kCombinedCode,
  kS0Rate,
  kCtRatio,
  kQuadrant,
  kQuadrantL1,
  kQuadrantL2,
  kQuadrantL3,
  kCount  // not a quantity
};

inline constexpr std::size_t kQuantityCount = static_cast<std::size_t>(QuantityId::kCount);

struct Quantity {
  QuantityId id;
  std::string_view name;
  std::string_view unit;
  QuantityKind kind;
};

inline constexpr std::array<Quantity, kQuantityCount> kQuantities = {{
    {QuantityId::kVoltageL1V, "voltage_l1_v", "V", QuantityKind::kInstantaneous},
    {QuantityId::kVoltageL2V, "voltage_l2_v", "V", QuantityKind::kInstantaneous},
    {QuantityId::kVoltageL3V, "voltage_l3_v", "V", QuantityKind::kInstantaneous},
    {QuantityId::kFrequencyHz, "frequency_hz", "Hz", QuantityKind::kInstantaneous},
    {QuantityId::kCurrentL1A, "current_l1_a", "A", QuantityKind::kInstantaneous},
    {QuantityId::kCurrentL2A, "current_l2_a", "A", QuantityKind::kInstantaneous},
    {QuantityId::kCurrentL3A, "current_l3_a", "A", QuantityKind::kInstantaneous},
    {QuantityId::kActivePowerKw, "active_power_kw", "kW", QuantityKind::kInstantaneous},
    {QuantityId::kActivePowerL1Kw, "active_power_l1_kw", "kW", QuantityKind::kInstantaneous},
    {QuantityId::kActivePowerL2Kw, "active_power_l2_kw", "kW", QuantityKind::kInstantaneous},
    {QuantityId::kActivePowerL3Kw, "active_power_l3_kw", "kW", QuantityKind::kInstantaneous},
    {QuantityId::kReactivePowerKvar, "reactive_power_kvar", "kvar", QuantityKind::kInstantaneous},
    {QuantityId::kReactivePowerL1Kvar, "reactive_power_l1_kvar", "kvar",
     QuantityKind::kInstantaneous},
    {QuantityId::kReactivePowerL2Kvar, "reactive_power_l2_kvar", "kvar",
     QuantityKind::kInstantaneous},
    {QuantityId::kReactivePowerL3Kvar, "reactive_power_l3_kvar", "kvar",
     QuantityKind::kInstantaneous},
    {QuantityId::kApparentPowerKva, "apparent_power_kva", "kVA", QuantityKind::kInstantaneous},
    {QuantityId::kApparentPowerL1Kva, "apparent_power_l1_kva", "kVA", QuantityKind::kInstantaneous},
    {QuantityId::kApparentPowerL2Kva, "apparent_power_l2_kva", "kVA", QuantityKind::kInstantaneous},
    {QuantityId::kApparentPowerL3Kva, "apparent_power_l3_kva", "kVA", QuantityKind::kInstantaneous},
    {QuantityId::kPowerFactor, "power_factor", "", QuantityKind::kInstantaneous},
    {QuantityId::kPowerFactorL1, "power_factor_l1", "", QuantityKind::kInstantaneous},
    {QuantityId::kPowerFactorL2, "power_factor_l2", "", QuantityKind::kInstantaneous},
    {QuantityId::kPowerFactorL3, "power_factor_l3", "", QuantityKind::kInstantaneous},
    {QuantityId::kActiveEnergyKwh, "active_energy_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kActiveEnergyT1Kwh, "active_energy_t1_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kActiveEnergyT2Kwh, "active_energy_t2_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kActiveEnergyL1Kwh, "active_energy_l1_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kActiveEnergyL2Kwh, "active_energy_l2_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kActiveEnergyL3Kwh, "active_energy_l3_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyKwh, "forward_active_energy_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyT1Kwh, "forward_active_energy_t1_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyT2Kwh, "forward_active_energy_t2_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyL1Kwh, "forward_active_energy_l1_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyL2Kwh, "forward_active_energy_l2_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardActiveEnergyL3Kwh, "forward_active_energy_l3_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyKwh, "reverse_active_energy_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyT1Kwh, "reverse_active_energy_t1_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyT2Kwh, "reverse_active_energy_t2_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyL1Kwh, "reverse_active_energy_l1_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyL2Kwh, "reverse_active_energy_l2_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseActiveEnergyL3Kwh, "reverse_active_energy_l3_kwh", "kWh",
     QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyKvarh, "reactive_energy_kvarh", "kvarh", QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyT1Kvarh, "reactive_energy_t1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyT2Kvarh, "reactive_energy_t2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyL1Kvarh, "reactive_energy_l1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyL2Kvarh, "reactive_energy_l2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReactiveEnergyL3Kvarh, "reactive_energy_l3_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyKvarh, "forward_reactive_energy_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyT1Kvarh, "forward_reactive_energy_t1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyT2Kvarh, "forward_reactive_energy_t2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyL1Kvarh, "forward_reactive_energy_l1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyL2Kvarh, "forward_reactive_energy_l2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kForwardReactiveEnergyL3Kvarh, "forward_reactive_energy_l3_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyKvarh, "reverse_reactive_energy_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyT1Kvarh, "reverse_reactive_energy_t1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyT2Kvarh, "reverse_reactive_energy_t2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyL1Kvarh, "reverse_reactive_energy_l1_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyL2Kvarh, "reverse_reactive_energy_l2_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kReverseReactiveEnergyL3Kvarh, "reverse_reactive_energy_l3_kvarh", "kvarh",
     QuantityKind::kEnergy},
    {QuantityId::kTariff, "tariff", "", QuantityKind::kDevice},
    {QuantityId::kDayCounterKwh, "day_counter_kwh", "kWh", QuantityKind::kEnergy},
    {QuantityId::kS0ForwardPulses, "s0_forward_pulses", "imp", QuantityKind::kOutput},
    {QuantityId::kS0ReversePulses, "s0_reverse_pulses", "imp", QuantityKind::kOutput},
    {QuantityId::kLedActivePulses, "led_active_pulses", "imp", QuantityKind::kOutput},
    {QuantityId::kLedReactivePulses, "led_reactive_pulses", "imp", QuantityKind::kOutput},
    {QuantityId::kPowerDownCount, "power_down_count", "", QuantityKind::kDevice},
    {QuantityId::kCombinedCode, "combined_code", "", QuantityKind::kDevice},
    {QuantityId::kS0Rate, "s0_rate", "imp/kWh", QuantityKind::kDevice},
    {QuantityId::kCtRatio, "ct_ratio", "A", QuantityKind::kDevice},
    {QuantityId::kQuadrant, "quadrant", "", QuantityKind::kDevice},
    {QuantityId::kQuadrantL1, "quadrant_l1", "", QuantityKind::kDevice},
    {QuantityId::kQuadrantL2, "quadrant_l2", "", QuantityKind::kDevice},
    {QuantityId::kQuadrantL3, "quadrant_l3", "", QuantityKind::kDevice},
}};

constexpr bool QuantityTableIsIndexedById() {
  for (std::size_t i = 0; i < kQuantities.size(); ++i) {
    if (static_cast<std::size_t>(kQuantities[i].id) != i) return false;
  }
  return true;
}
static_assert(QuantityTableIsIndexedById(), "kQuantities[i].id must equal i");

constexpr bool QuantityNamesAreUnique() {
  for (std::size_t i = 0; i < kQuantities.size(); ++i) {
    for (std::size_t j = i + 1; j < kQuantities.size(); ++j) {
      if (kQuantities[i].name == kQuantities[j].name) return false;
    }
  }
  return true;
}
static_assert(QuantityNamesAreUnique());

constexpr const Quantity& QuantityInfo(QuantityId id) {
  return kQuantities[static_cast<std::size_t>(id)];
}

std::optional<QuantityId> QuantityFromName(std::string_view name);

}  // namespace pro380::metering

#endif  // PRO380_METERING_QUANTITY_H_
