// Which PRO380 quantities Home Assistant's MQTT discovery announces, and as what (docs/mqtt.md,
// "Home Assistant discovery"): one sensor per instantaneous and energy quantity of the quantity
// table, with HA's device class, state class and unit. The JSON and topics are app/'s
// (app/mqtt_publisher.*); this table is the one place that binds the meter's quantities to HA's
// sensor classes (https://www.home-assistant.io/integrations/sensor/#device-class).
#ifndef PRO380_DEVICE_HA_DISCOVERY_H_
#define PRO380_DEVICE_HA_DISCOVERY_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "metering/quantity.h"

namespace pro380::device {

struct HaSensorClass {
  metering::QuantityId id = metering::QuantityId::kCount;
  std::string_view device_class;  // empty: none (HA then takes any unit)
  std::string_view state_class;   // "measurement", "total" or "total_increasing"
};

// Instantaneous quantities are measurements; forward and reverse energies only grow, the day
// counter grows and resets (total_increasing); the combined energies (active_energy_*,
// reactive_energy_*) may fall with a combined code that subtracts (manual §6.10), so they are
// "total". Voltage, current, frequency, active power, power factor and active energy have HA device
// classes whose units include ours (V, A, Hz, kW, none, kWh); reactive and apparent quantities get
// none, since the kvar, kVA and kvarh units of HA's reactive_power, apparent_power and
// reactive_energy classes depend on the HA version, and a unit a device class refuses makes HA
// reject the sensor.
constexpr HaSensorClass HaClassOf(const metering::Quantity& q) {
  const std::string_view n = q.name;
  if (q.kind == metering::QuantityKind::kEnergy) {
    // The day counter falls to 0 at midnight: HA reads a fall of a total_increasing sensor as a
    // reset, which is what it is.
    const bool day = n == "day_counter_kwh";
    const bool directed = n.starts_with("forward_") || n.starts_with("reverse_") || day;
    const bool active =
        n.find("_active_") != std::string_view::npos || n.starts_with("active_") || day;
    return {q.id, active ? "energy" : "", directed ? "total_increasing" : "total"};
  }
  std::string_view device_class;
  if (n.starts_with("voltage_")) device_class = "voltage";
  if (n.starts_with("current_")) device_class = "current";
  if (n.starts_with("frequency_")) device_class = "frequency";
  if (n.starts_with("active_power")) device_class = "power";
  if (n.starts_with("power_factor")) device_class = "power_factor";
  return {q.id, device_class, "measurement"};
}

constexpr std::size_t CountHaSensors() {
  std::size_t n = 0;
  for (const metering::Quantity& q : metering::kQuantities) {
    n += q.kind == metering::QuantityKind::kInstantaneous ||
         q.kind == metering::QuantityKind::kEnergy;
  }
  return n;
}

inline constexpr std::size_t kHaSensorCount = CountHaSensors();

// The announced sensors, in the quantity table's order.
inline constexpr std::array<HaSensorClass, kHaSensorCount> kHaSensors = [] {
  std::array<HaSensorClass, kHaSensorCount> sensors{};
  std::size_t i = 0;
  for (const metering::Quantity& q : metering::kQuantities) {
    if (q.kind == metering::QuantityKind::kInstantaneous ||
        q.kind == metering::QuantityKind::kEnergy) {
      sensors[i++] = HaClassOf(q);
    }
  }
  return sensors;
}();

// What Home Assistant accepts (docs/mqtt.md cites the pages): the units of the device classes we
// announce, as HA's sensor documentation lists them; "" is "no unit". A sensor without a device
// class takes any unit. An energy sensor must not be a measurement.
struct HaUnitsOfClass {
  std::string_view device_class;
  std::array<std::string_view, 5> units;  // unused entries are "-" (no unit is ever "-")
};
inline constexpr std::array<HaUnitsOfClass, 6> kHaUnitsOfClass = {{
    {"voltage", {"V", "mV", "kV", "MV", "-"}},
    {"current", {"A", "mA", "-", "-", "-"}},
    {"frequency", {"Hz", "kHz", "MHz", "GHz", "-"}},
    {"power", {"W", "kW", "MW", "GW", "TW"}},
    {"power_factor", {"", "%", "-", "-", "-"}},
    {"energy", {"Wh", "kWh", "MWh", "GWh", "TWh"}},
}};

constexpr bool HaAccepts(const HaSensorClass& s) {
  const metering::Quantity& q = metering::QuantityInfo(s.id);
  if (s.state_class != "measurement" && s.state_class != "total" &&
      s.state_class != "total_increasing") {
    return false;
  }
  if (s.device_class.empty()) return !q.unit.empty();  // a unit for every class-less sensor
  if (s.device_class == "energy" && s.state_class == "measurement") return false;
  for (const HaUnitsOfClass& c : kHaUnitsOfClass) {
    if (c.device_class != s.device_class) continue;
    for (std::string_view unit : c.units) {
      if (unit == q.unit) return true;
    }
    return false;  // a unit the class refuses: HA would reject the sensor
  }
  return false;  // a device class not in the table above
}

constexpr bool HaAcceptsEverySensor() {
  for (const HaSensorClass& s : kHaSensors) {
    if (!HaAccepts(s)) return false;
  }
  return true;
}

static_assert(HaAcceptsEverySensor(),
              "every announced sensor has a device class, state class and unit HA accepts");
static_assert(kHaSensorCount == 60, "23 instantaneous, 36 energy quantities and the day counter");
static_assert(kHaSensors[0].id == metering::QuantityId::kVoltageL1V &&
              kHaSensors[0].device_class == "voltage" &&
              kHaSensors[0].state_class == "measurement");
static_assert(
    HaClassOf(metering::QuantityInfo(metering::QuantityId::kForwardActiveEnergyKwh)).device_class ==
        "energy" &&
    HaClassOf(metering::QuantityInfo(metering::QuantityId::kForwardActiveEnergyKwh)).state_class ==
        "total_increasing");
static_assert(HaClassOf(metering::QuantityInfo(metering::QuantityId::kActiveEnergyKwh))
                  .state_class == "total");
static_assert(HaClassOf(metering::QuantityInfo(metering::QuantityId::kReactivePowerKvar))
                  .device_class.empty());
static_assert(HaClassOf(metering::QuantityInfo(metering::QuantityId::kPowerFactorL2))
                  .device_class == "power_factor");

// A sensor's display name from its canonical name: "voltage_l1_v" -> "Voltage L1",
// "forward_active_energy_t1_kwh" -> "Forward active energy T1", "power_factor" -> "Power factor".
std::string HaSensorName(const metering::Quantity& q);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_HA_DISCOVERY_H_
