// Which quantities of the quantity table each Modbus map carries, and the lookup of addresses
// (reference pro380-protocols.md §1.3–§1.5 for the protocol 3.2 map, §1.8 for the old map).
#include "device/modbus_map.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "device/modbus_map_v1.h"
#include "device/modbus_map_v32.h"

namespace pro380::device {
namespace {

using metering::QuantityId;
using metering::QuantityKind;

std::set<QuantityId> BoundQuantities(std::initializer_list<std::span<const RegisterDef>> tables) {
  std::set<QuantityId> bound;
  for (std::span<const RegisterDef> table : tables) {
    for (const RegisterDef& def : table) {
      if (def.shows_quantity()) bound.insert(def.quantity);
    }
  }
  return bound;
}

// Every quantity a real PRO380 shows over Modbus: all instantaneous and energy quantities, the
// tariff and day counter, and the device quantities of the info block. Pulse counts are outputs,
// not registers.
std::set<QuantityId> ExpectedInNewMap() {
  std::set<QuantityId> expected;
  for (const metering::Quantity& q : metering::kQuantities) {
    if (q.kind == QuantityKind::kInstantaneous || q.kind == QuantityKind::kEnergy) {
      expected.insert(q.id);
    }
  }
  for (QuantityId id :
       {QuantityId::kTariff, QuantityId::kPowerDownCount, QuantityId::kCombinedCode,
        QuantityId::kS0Rate, QuantityId::kCtRatio, QuantityId::kQuadrant, QuantityId::kQuadrantL1,
        QuantityId::kQuadrantL2, QuantityId::kQuadrantL3}) {
    expected.insert(id);
  }
  return expected;
}

TEST(ModbusMapTest, NewMapBindsEveryQuantityTheRealMapCarries) {
  const auto bound = BoundQuantities({v32::kInfoBlock, v32::kMeasurementBlock, v32::kEnergyBlock});
  EXPECT_EQ(bound, ExpectedInNewMap());
  for (QuantityId id : {QuantityId::kS0ForwardPulses, QuantityId::kS0ReversePulses,
                        QuantityId::kLedActivePulses, QuantityId::kLedReactivePulses}) {
    EXPECT_FALSE(bound.contains(id)) << metering::QuantityInfo(id).name;
  }
}

TEST(ModbusMapTest, OldMapLacksDayCounterPowerDownCountAndQuadrants) {
  std::set<QuantityId> expected = ExpectedInNewMap();
  for (QuantityId id :
       {QuantityId::kDayCounterKwh, QuantityId::kPowerDownCount, QuantityId::kQuadrant,
        QuantityId::kQuadrantL1, QuantityId::kQuadrantL2, QuantityId::kQuadrantL3}) {
    expected.erase(id);
  }
  EXPECT_EQ(BoundQuantities({v1::kInfo, v1::kMeasurements, v1::kEnergies}), expected);
}

// Prints the binding of each quantity (new address / old address) as a readable record.
TEST(ModbusMapTest, ListsTheAddressesOfEveryQuantity) {
  std::string listing;
  for (const metering::Quantity& q : metering::kQuantities) {
    std::string line = std::string(q.name) + ":";
    for (auto table : AllRegisterTables()) {
      for (const RegisterDef& def : table) {
        if (def.shows_quantity() && def.quantity == q.id) {
          char address[8];
          std::snprintf(address, sizeof address, " 0x%04X", def.address);
          line += address;
        }
      }
    }
    listing += line + "\n";
  }
  RecordProperty("listing", listing);
  EXPECT_NE(listing.find("active_energy_kwh: 0x3000 0x6000"), std::string::npos) << listing;
  EXPECT_NE(listing.find("day_counter_kwh: 0x6049\n"), std::string::npos) << listing;
  EXPECT_NE(listing.find("s0_forward_pulses:\n"), std::string::npos) << listing;
}

TEST(ModbusMapTest, EnergyBlockFollowsTheQuantityTableOrder) {
  for (std::size_t i = 0; i + 2 < v32::kEnergyBlock.size(); ++i) {
    EXPECT_EQ(static_cast<int>(v32::kEnergyBlock[i].quantity),
              static_cast<int>(QuantityId::kActiveEnergyKwh) + static_cast<int>(i));
    EXPECT_EQ(v32::kEnergyBlock[i].address, 0x6000 + 2 * i);
  }
}

TEST(ModbusMapTest, FindsTheEntryHoldingAnAddress) {
  EXPECT_EQ(FindRegister(0x6048)->quantity, QuantityId::kTariff);
  EXPECT_EQ(FindRegister(0x6049)->quantity, QuantityId::kDayCounterKwh);
  EXPECT_EQ(FindRegister(0x604A)->quantity, QuantityId::kDayCounterKwh);  // its low word
  EXPECT_EQ(FindRegister(0x5003)->quantity, QuantityId::kVoltageL1V);
  EXPECT_EQ(FindRegister(0x4000)->device, DeviceValue::kSerialNumber);
  EXPECT_EQ(FindRegister(0x1010)->device, DeviceValue::kMeterCode);
  EXPECT_EQ(FindRegister(0x2080)->quantity, QuantityId::kActivePowerKw);
  EXPECT_EQ(FindRegister(0x32A1)->quantity, QuantityId::kReverseReactiveEnergyT2Kvarh);
  for (uint16_t unmapped : {0x0000, 0x0FFF, 0x1002, 0x1030, 0x2004, 0x32A2, 0x3FFF, 0x4020, 0x4025,
                            0x5032, 0x604B, 0xFFFF}) {
    EXPECT_EQ(FindRegister(unmapped), nullptr) << std::hex << unmapped;
  }
}

TEST(ModbusMapTest, RegisterCountFollowsTheEncoding) {
  for (auto table : AllRegisterTables()) {
    for (const RegisterDef& def : table) {
      EXPECT_EQ(def.count(), RegisterCount(def.encoding));
      EXPECT_EQ(FindRegister(def.address), &def);
      EXPECT_EQ(FindRegister(static_cast<uint16_t>(def.end() - 1)), &def);
    }
  }
}

}  // namespace
}  // namespace pro380::device
