// ModbusBus: several meters on one bus, selected by their current IDs; who listens on an RTU
// line; the TCP interop option (docs/protocols/modbus.md, "Buses").
#include "app/modbus_bus.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "device/pro380_register_bank.h"

namespace pro380::app {
namespace {

using modbus::Pdu;

struct TestMeter {
  explicit TestMeter(int id, metering::MeterConfig config = {}) : meter(config) {
    settings.modbus_id = id;
    settings.serial_number = static_cast<uint32_t>(id) * 1111;
  }
  metering::Meter meter;
  device::DeviceSettings settings;
  device::Pro380RegisterBank bank{meter, settings};
};

Pdu ReadSerial() { return {0x03, {0x40, 0x00, 0x00, 0x02}}; }
Pdu WriteSingle(uint16_t address, uint16_t value) {
  return {0x06,
          {static_cast<uint8_t>(address >> 8), static_cast<uint8_t>(address),
           static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)}};
}

class BusTest : public ::testing::Test {
 protected:
  void Make(std::vector<std::unique_ptr<TestMeter>> meters, bool any_unit_id = false) {
    meters_ = std::move(meters);
    std::vector<ModbusUnit> units;
    for (auto& m : meters_) units.push_back({"s", &m->meter, &m->settings, &m->bank});
    bus_ = std::make_unique<ModbusBus>(units, ModbusBusOptions{"modbus-rtu", any_unit_id});
  }
  std::optional<Pdu> Ask(uint8_t address, const Pdu& pdu,
                         const transport::SerialSettings* line = nullptr) {
    return bus_->Handle(address, pdu, "test", TimePoint{}, line);
  }
  std::vector<std::unique_ptr<TestMeter>> meters_;
  std::unique_ptr<ModbusBus> bus_;
};

std::vector<std::unique_ptr<TestMeter>> Meters(std::initializer_list<int> ids) {
  std::vector<std::unique_ptr<TestMeter>> out;
  for (int id : ids) out.push_back(std::make_unique<TestMeter>(id));
  return out;
}

// The serial's low word in a reply to ReadSerial (serials are shown as hex digits: 2222 → 0x2222).
uint16_t SerialLow(const Pdu& reply) {
  return static_cast<uint16_t>(reply.data[3] << 8 | reply.data[4]);
}

TEST_F(BusTest, EachIdAnswersWithItsOwnMeterAndOthersAreSilent) {
  Make(Meters({1, 2, 3}));
  for (int id = 1; id <= 3; ++id) {
    const auto reply = Ask(static_cast<uint8_t>(id), ReadSerial());
    ASSERT_TRUE(reply) << id;
    EXPECT_EQ(SerialLow(*reply), 0x1111 * id) << id;
  }
  EXPECT_FALSE(Ask(4, ReadSerial()));
  for (size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(bus_->server(k).counters().requests, 1u);
    EXPECT_EQ(bus_->server(k).counters().other_address, 3u);
  }
}

TEST_F(BusTest, AnIdWriteIsAnsweredFromTheOldIdAndTheNextRequestNeedsTheNewOne) {
  Make(Meters({1, 2}));
  const auto reply = Ask(1, WriteSingle(0x4003, 7));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->function, 0x06);
  EXPECT_FALSE(Ask(1, ReadSerial()));
  ASSERT_TRUE(Ask(7, ReadSerial()));
  EXPECT_EQ(SerialLow(*Ask(7, ReadSerial())), 0x1111);
}

TEST_F(BusTest, ABroadcastWriteReachesEveryMeterAndIsNotAnswered) {
  Make(Meters({1, 2, 3}));
  EXPECT_FALSE(Ask(0, WriteSingle(0x4010, 0x0020)));  // LCD cycle time 20 s (bcd)
  for (const auto& m : meters_) EXPECT_EQ(m->settings.lcd_cycle_time_s, 20);
}

TEST_F(BusTest, OnAnRtuLineAMeterWithOtherLineSettingsHearsNothing) {
  Make(Meters({1, 2}));
  meters_[1]->settings.baud_rate = 4800;
  const transport::SerialSettings line{9600, transport::SerialParity::kEven, 1};
  EXPECT_TRUE(Ask(1, ReadSerial(), &line));
  EXPECT_FALSE(Ask(2, ReadSerial(), &line));
  EXPECT_EQ(bus_->server(1).counters().requests + bus_->server(1).counters().other_address, 0u);
  const transport::SerialSettings slow{4800, transport::SerialParity::kEven, 1};
  EXPECT_TRUE(Ask(2, ReadSerial(), &slow));
  EXPECT_TRUE(Ask(2, ReadSerial()));  // TCP has no line settings
}

TEST_F(BusTest, ACtMeterWithoutItsRatioDoesNotCommunicate) {
  std::vector<std::unique_ptr<TestMeter>> meters;
  metering::MeterConfig ct;
  ct.ct_variant = true;
  meters.push_back(std::make_unique<TestMeter>(1, ct));
  Make(std::move(meters));
  EXPECT_FALSE(Ask(1, ReadSerial()));
  ASSERT_EQ(meters_[0]->meter.SetCtRatio(100), metering::SettingOutcome::kApplied);
  EXPECT_TRUE(Ask(1, ReadSerial()));
}

TEST_F(BusTest, TwoMetersWithOneIdCollideAndTheFirstReplyIsSent) {
  Make(Meters({5, 5}));
  meters_[1]->settings.serial_number = 0x9999;
  const auto reply = Ask(5, ReadSerial());
  ASSERT_TRUE(reply);
  EXPECT_EQ(SerialLow(*reply), 0x5555);
  EXPECT_EQ(bus_->collisions(), 1u);
}

TEST_F(BusTest, AnyUnitIdReachesTheOnlyMeterButNotABroadcast) {
  Make(Meters({3}), /*any_unit_id=*/true);
  EXPECT_TRUE(Ask(255, ReadSerial()));
  EXPECT_TRUE(Ask(1, ReadSerial()));
  EXPECT_FALSE(Ask(0, ReadSerial()));
}

TEST_F(BusTest, AnyUnitIdIsIgnoredWithSeveralMeters) {
  Make(Meters({1, 2}), /*any_unit_id=*/true);
  EXPECT_FALSE(Ask(9, ReadSerial()));
}

TEST(SerialSettingsOf, MapsTheMetersParityAndBaud) {
  device::DeviceSettings s;
  s.baud_rate = 2400;
  s.parity = device::Parity::kOdd;
  EXPECT_EQ(SerialSettingsOf(s),
            (transport::SerialSettings{2400, transport::SerialParity::kOdd, 1}));
  s.parity = device::Parity::kNone;
  EXPECT_EQ(LineSettingsOf(SerialSettingsOf(s)).parity, modbus::Parity::kNone);
  EXPECT_EQ(LineSettingsOf(SerialSettingsOf(s)).baud, 2400u);
}

}  // namespace
}  // namespace pro380::app
