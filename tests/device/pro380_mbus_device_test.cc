// Pro380MbusDevice: the readout records (device/mbus_records.h) decoded back to the values the
// meter's readings and the Modbus registers show, and the writes M-Bus may make.
#include "device/pro380_mbus_device.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "device/modbus_map.h"
#include "device/register_codec.h"
#include "metering/readings.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

class MbusDeviceTest : public ::testing::Test {
 protected:
  MbusDeviceTest() : meter_(metering::MeterConfig{}), device_(meter_, settings_) {
    settings_.serial_number = 22091039;
    device_.set_change_sink([this](const SettingChange& c) {
      changes_.push_back(std::string(c.setting) + " " + std::to_string(c.old_value) + " -> " +
                         std::to_string(c.new_value) + " via " + std::string(c.context->interface));
    });
    // An hour of L1 import 2 kW, L2 export 1.5 kW with reactive load, L3 0.5 kW.
    metering::Interval interval;
    interval.phase[0] = metering::PhaseFromPower(230.1, 2000, 300);
    interval.phase[1] = metering::PhaseFromPower(229.5, -1500, -200);
    interval.phase[2] = metering::PhaseFromPower(231.2, 500, 0);
    interval.frequency_hz = 49.98;
    interval.duration = std::chrono::seconds(1);
    for (int s = 0; s < 3600; ++s) meter_.ApplyRecord(interval);
  }

  std::vector<mbus::ParsedRecord> Readout(mbus::RecordList& list) {
    device_.AppendReadout(list);
    auto parsed = mbus::ParseRecords(list.bytes);
    EXPECT_TRUE(parsed.ok()) << parsed.status().message();
    return parsed.ok() ? *parsed : std::vector<mbus::ParsedRecord>{};
  }

  bool Write(std::vector<uint8_t> bytes) {
    auto parsed = mbus::ParseRecords(bytes);
    EXPECT_TRUE(parsed.ok());
    return device_.WriteRecords(*parsed, {"mbus", "test", 0, {}});
  }

  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380MbusDevice device_;
  std::vector<std::string> changes_;
};

// The Modbus entry of a quantity in the protocol 3.2 map (0x4000 on), if it has one.
const RegisterDef* ModbusEntry(QuantityId quantity) {
  for (const auto table : AllRegisterTables()) {
    for (const RegisterDef& def : table) {
      if (def.address >= 0x4000 && def.shows_quantity() && def.quantity == quantity) return &def;
    }
  }
  return nullptr;
}

// Every record of the readout decodes to what the Modbus register of its quantity shows (the
// meter's resolution), in the record's scale; quantities without a register to the reading.
TEST_F(MbusDeviceTest, EveryQuantityRecordDecodesToTheModbusValue) {
  mbus::RecordList list;
  const auto records = Readout(list);
  const auto defs = MbusRecords();
  ASSERT_EQ(records.size(), defs.size());
  ASSERT_EQ(list.ends.size(), defs.size());
  const metering::Readings r = metering::Read(meter_);
  int compared = 0;
  for (std::size_t i = 0; i < defs.size(); ++i) {
    const MbusRecordDef& def = defs[i];
    EXPECT_TRUE(mbus::SameRecord(def.header, records[i].header)) << i;
    if (!def.shows_quantity()) continue;
    const RegisterDef* entry = ModbusEntry(def.quantity);
    const double expected = entry ? Quantize(*entry, r[def.quantity]) : r[def.quantity];
    const std::string name(metering::QuantityInfo(def.quantity).name);
    if (def.header.data == mbus::DataField::kReal32) {
      EXPECT_EQ(mbus::DecodeReal32(records[i].data.first<4>()), static_cast<float>(expected))
          << name;
    } else {
      ASSERT_TRUE(records[i].value_valid) << name;
      const double scale = std::pow(10.0, def.exponent);
      EXPECT_NEAR(static_cast<double>(records[i].value) / scale, expected, 0.5 / scale) << name;
    }
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(metering::kQuantityCount));
}

// The energies are the Modbus registers' hundredths of kWh (truncated), as 10 Wh BCD.
TEST_F(MbusDeviceTest, EnergyRecordsShowTheModbusHundredths) {
  mbus::RecordList list;
  const auto records = Readout(list);
  const metering::Readings r = metering::Read(meter_);
  const double total = r[QuantityId::kActiveEnergyKwh];
  ASSERT_GT(total, 1.0);
  EXPECT_EQ(records[0].value, static_cast<int64_t>(std::floor(total * 100 + 1e-9)));
  // Record 11 is L3 reverse energy (EC 01 04): L3 only imports.
  EXPECT_EQ(records[11].value, 0);
  // Record 10 is L2 reverse energy: 1.5 kWh.
  EXPECT_EQ(records[10].value, 150);
  // Active power L2 is negative: BCD with F in the top nibble, 0.1 W.
  EXPECT_EQ(records[14].value, -15000);
  EXPECT_EQ(records[14].data.back() >> 4, 0x0F);
}

TEST_F(MbusDeviceTest, IdentityIsTheSerialsLastEightDigitsAndInm) {
  const mbus::Identification id = device_.Identity();
  EXPECT_EQ(id.id, 22091039u);
  EXPECT_EQ(id.manufacturer, 0x25CD);
  EXPECT_EQ(id.medium, 0x02);
  settings_.serial_number = 99;
  EXPECT_EQ(device_.Identity().id, 99u);
  EXPECT_EQ(device_.PrimaryAddress(), 0);
}

TEST_F(MbusDeviceTest, WritesPrimaryAndSecondaryAddress) {
  EXPECT_TRUE(Write({0x01, 0x7A, 0x05}));
  EXPECT_EQ(settings_.mbus_primary_address, 5);
  EXPECT_TRUE(Write({0x0C, 0x79, 0x44, 0x33, 0x22, 0x11}));
  EXPECT_EQ(device_.Identity().id, 11223344u);
  EXPECT_EQ(device_.Identity().fabrication_number, 22091039u);
  EXPECT_FALSE(Write({0x01, 0x7A, 0xFB}));                    // 251
  EXPECT_FALSE(Write({0x0C, 0x79, 0x4A, 0x33, 0x22, 0x11}));  // not BCD
  EXPECT_EQ(changes_, (std::vector<std::string>{
                          "mbus_primary_address 0.000000 -> 5.000000 via mbus",
                          "mbus_secondary_address 22091039.000000 -> 11223344.000000 via mbus"}));
}

TEST_F(MbusDeviceTest, WritesAreAllOrNothing) {
  // A valid address, then a read-only record (total energy): nothing changes.
  EXPECT_FALSE(Write({0x01, 0x7A, 0x05, 0x0C, 0x04, 0x00, 0x00, 0x00, 0x00}));
  EXPECT_EQ(settings_.mbus_primary_address, 0);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(MbusDeviceTest, DayCounterIsResetByClearOrZeroAndS0RateFollowsTheModbusRules) {
  ASSERT_GT(meter_.day_counter_uwh(), 0);
  // "kWh day" record with action VIFE 07 (clear): DIF 05, VIF FC, text reversed, VIFE 07.
  // libmbus's layout: the text follows the VIF, VIFEs after it; the data 1.0 is ignored by clear.
  const std::string text = "kWh day";
  std::vector<uint8_t> clear = {0x05, 0xFC, 0x07};
  clear.insert(clear.end(), text.rbegin(), text.rend());
  clear.insert(clear.end(), {0x07, 0x00, 0x00, 0x80, 0x3F});
  EXPECT_TRUE(Write(clear));
  EXPECT_EQ(meter_.day_counter_uwh(), 0);
  // S0 rate 3 imp/kWh is not one the manual lists; 2000 is (metering/s0_rate.cc).
  std::vector<uint8_t> s0 = {0x05, 0x7C, 0x07};
  const std::string unit = "imp/kWh";
  s0.insert(s0.end(), unit.rbegin(), unit.rend());
  std::vector<uint8_t> bad = s0;
  bad.insert(bad.end(), {0x00, 0x00, 0x40, 0x40});  // 3.0f
  EXPECT_FALSE(Write(bad));
  s0.insert(s0.end(), {0x00, 0x00, 0xFA, 0x44});  // 2000.0f
  EXPECT_TRUE(Write(s0));
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 2000);
}

TEST_F(MbusDeviceTest, SealedRefusesEveryWrite) {
  device_.set_sealed(true);
  EXPECT_FALSE(Write({0x01, 0x7A, 0x05}));
  EXPECT_FALSE(device_.SetBaudRate(2400, {"mbus", "test", 0, {}}));
  EXPECT_EQ(settings_.mbus_primary_address, 0);
  EXPECT_EQ(settings_.mbus_baud_rate, 9600);
}

TEST_F(MbusDeviceTest, BaudRateOfTheManualOnly) {
  EXPECT_TRUE(device_.SetBaudRate(2400, {"mbus", "test", 0, {}}));
  EXPECT_EQ(settings_.mbus_baud_rate, 2400);
  EXPECT_FALSE(device_.SetBaudRate(19200, {"mbus", "test", 0, {}}));
  EXPECT_EQ(settings_.mbus_baud_rate, 2400);
}

}  // namespace
}  // namespace pro380::device
