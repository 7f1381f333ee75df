// The client's decoding of a PRO380-Mb readout: what the server's records (Pro380MbusDevice)
// carry comes back as the meter's readings at each record's resolution, by canonical names.
#include "device/mbus_readout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "device/pro380_mbus_device.h"
#include "metering/readings.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

class MbusReadoutTest : public ::testing::Test {
 protected:
  MbusReadoutTest() : meter_(metering::MeterConfig{}), device_(meter_, settings_) {
    settings_.serial_number = 1722091039;
    settings_.mbus_primary_address = 17;
    // An hour of L1 import 2 kW, L2 export 1.5 kW with reactive load, L3 0.5 kW.
    metering::Interval interval;
    interval.phase[0] = metering::PhaseFromPower(230.1, 2000, 300);
    interval.phase[1] = metering::PhaseFromPower(229.5, -1500, -200);
    interval.phase[2] = metering::PhaseFromPower(231.2, 500, 0);
    interval.frequency_hz = 49.98;
    interval.duration = std::chrono::seconds(1);
    for (int s = 0; s < 3600; ++s) meter_.ApplyRecord(interval);
  }

  std::map<std::string, MbusReadoutValue> Decoded() {
    mbus::RecordList list;
    device_.AppendReadout(list);
    auto readout = DecodeMbusReadout(list.bytes);
    EXPECT_TRUE(readout.ok());
    EXPECT_EQ(readout->unknown_records, 0);
    std::map<std::string, MbusReadoutValue> by_name;
    for (const MbusReadoutValue& v : readout->values) by_name[std::string(v.name)] = v;
    return by_name;
  }

  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380MbusDevice device_;
};

TEST_F(MbusReadoutTest, EveryQuantityComesBackAtItsResolution) {
  const auto values = Decoded();
  const metering::Readings readings = metering::Read(meter_);
  for (std::size_t q = 0; q < metering::kQuantityCount; ++q) {
    const auto id = static_cast<QuantityId>(q);
    const std::string name(metering::QuantityInfo(id).name);
    ASSERT_TRUE(values.contains(name)) << name;
    const MbusReadoutValue& v = values.at(name);
    ASSERT_TRUE(v.value.has_value()) << name;
    // The meter fills a record with the value its Modbus register shows (currents at 0.01 A in
    // a record of 1 mA): within the coarser of the record's step and 0.01.
    const double step = v.decimals >= 0 ? std::pow(10.0, -v.decimals) : 1e-6;
    EXPECT_NEAR(*v.value, readings[id], std::max(step, 0.01) * 1.01) << name;
    EXPECT_EQ(v.unit, metering::QuantityInfo(id).unit) << name;
  }
  EXPECT_NEAR(*values.at("active_power_l1_kw").value, 2.0, 1e-9);
  EXPECT_EQ(values.at("active_power_l1_kw").decimals, 4);
  EXPECT_NEAR(*values.at("voltage_l1_v").value, 230.1, 1e-9);
  EXPECT_NEAR(*values.at("frequency_hz").value, 49.98, 1e-9);  // a real, to its register's 0.01
  EXPECT_NEAR(*values.at("active_energy_l1_kwh").value, 2.0, 0.011);
}

TEST_F(MbusReadoutTest, DeviceValuesByName) {
  const auto values = Decoded();
  EXPECT_EQ(values.at("fabrication_number").text, "22091039");
  EXPECT_EQ(values.at("mbus_secondary_address").text, "22091039");
  EXPECT_EQ(*values.at("mbus_primary_address").value, 17);
  EXPECT_TRUE(values.at("mbus_primary_address").integral);
  EXPECT_EQ(*values.at("mbus_baud_rate").value, 9600);
  EXPECT_NEAR(*values.at("software_version").value, settings_.software_version, 1e-6);
}

TEST(MbusReadoutDecodeTest, UnknownRecordsAreCountedAndBadOnesRefused) {
  // 01 7A 05: primary address 5; 04 13 ...: a volume record the PRO380 does not send.
  const std::vector<uint8_t> records = {0x01, 0x7A, 0x05, 0x04, 0x13, 0x01, 0x00, 0x00, 0x00};
  auto readout = DecodeMbusReadout(records);
  ASSERT_TRUE(readout.ok());
  EXPECT_EQ(readout->unknown_records, 1);
  ASSERT_EQ(readout->values.size(), 1u);
  EXPECT_EQ(readout->values[0].name, "mbus_primary_address");
  // A BCD nibble above 9 is an invalid value, not an error.
  auto bad_bcd = DecodeMbusReadout(std::vector<uint8_t>{0x0C, 0x04, 0x0A, 0x00, 0x00, 0x00});
  ASSERT_TRUE(bad_bcd.ok());
  EXPECT_FALSE(bad_bcd->values[0].value.has_value());
  EXPECT_FALSE(DecodeMbusReadout(std::vector<uint8_t>{0x0C, 0x04, 0x00}).ok());
}

}  // namespace
}  // namespace pro380::device
