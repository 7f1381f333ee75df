#include "device/ha_discovery.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pro380::device {
namespace {

using metering::QuantityId;
using metering::QuantityInfo;

TEST(HaDiscoveryTest, NamesReadAsOnTheMeter) {
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kVoltageL1V)), "Voltage L1");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kFrequencyHz)), "Frequency");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kActivePowerKw)), "Active power");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kPowerFactor)), "Power factor");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kPowerFactorL3)), "Power factor L3");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kForwardActiveEnergyT1Kwh)),
            "Forward active energy T1");
  EXPECT_EQ(HaSensorName(QuantityInfo(QuantityId::kReverseReactiveEnergyL2Kvarh)),
            "Reverse reactive energy L2");
}

TEST(HaDiscoveryTest, EveryInstantaneousAndEnergyQuantityOnceWithItsClasses) {
  std::set<QuantityId> seen;
  for (const HaSensorClass& s : kHaSensors) {
    EXPECT_TRUE(seen.insert(s.id).second);
    const metering::Quantity& q = QuantityInfo(s.id);
    if (q.kind == metering::QuantityKind::kInstantaneous) {
      EXPECT_EQ(s.state_class, "measurement") << q.name;
    } else {
      ASSERT_EQ(q.kind, metering::QuantityKind::kEnergy) << q.name;
      EXPECT_NE(s.state_class, "measurement") << q.name;
    }
    // HA's classes and the units they take.
    if (s.device_class == "voltage") {
      EXPECT_EQ(q.unit, "V");
    }
    if (s.device_class == "current") {
      EXPECT_EQ(q.unit, "A");
    }
    if (s.device_class == "frequency") {
      EXPECT_EQ(q.unit, "Hz");
    }
    if (s.device_class == "power") {
      EXPECT_EQ(q.unit, "kW");
    }
    if (s.device_class == "energy") {
      EXPECT_EQ(q.unit, "kWh");
    }
    if (s.device_class == "power_factor") {
      EXPECT_EQ(q.unit, "");
    }
    if (q.unit == "kvar" || q.unit == "kVA" || q.unit == "kvarh") {
      EXPECT_EQ(s.device_class, "") << q.name;
    }
  }
  EXPECT_EQ(seen.size(), 60u);
  EXPECT_EQ(seen.count(QuantityId::kDayCounterKwh), 1u);
  EXPECT_EQ(seen.count(QuantityId::kTariff), 0u);
}

// The compile-time check of ha_discovery.h refuses what HA refuses.
TEST(HaDiscoveryTest, TheAcceptanceCheckRefusesWhatHaRefuses) {
  static_assert(!HaAccepts({QuantityId::kReactivePowerKvar, "power", "measurement"}),
                "kvar is not a unit of HA's power class");
  static_assert(!HaAccepts({QuantityId::kApparentPowerKva, "power", "measurement"}));
  static_assert(!HaAccepts({QuantityId::kForwardActiveEnergyKwh, "energy", "measurement"}),
                "an energy sensor is never a measurement");
  static_assert(!HaAccepts({QuantityId::kVoltageL1V, "voltage", "sometimes"}));
  static_assert(!HaAccepts({QuantityId::kVoltageL1V, "current", "measurement"}));
  static_assert(!HaAccepts({QuantityId::kPowerFactor, "", "measurement"}),
                "a sensor without a device class has a unit");
  static_assert(!HaAccepts({QuantityId::kVoltageL1V, "tension", "measurement"}));
  static_assert(HaAccepts({QuantityId::kReactivePowerKvar, "", "measurement"}));
  static_assert(HaAccepts({QuantityId::kPowerFactor, "power_factor", "measurement"}));
  for (const HaSensorClass& s : kHaSensors) EXPECT_TRUE(HaAccepts(s)) << QuantityInfo(s.id).name;
}

TEST(HaDiscoveryTest, OnlyTheCombinedEnergiesMayFall) {
  for (const HaSensorClass& s : kHaSensors) {
    const std::string name(QuantityInfo(s.id).name);
    if (name.starts_with("forward_") || name.starts_with("reverse_") || name == "day_counter_kwh") {
      EXPECT_EQ(s.state_class, "total_increasing") << name;
    } else if (name.starts_with("active_energy") || name.starts_with("reactive_energy")) {
      EXPECT_EQ(s.state_class, "total") << name;
    }
  }
}

}  // namespace
}  // namespace pro380::device
