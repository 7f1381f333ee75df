// Pro380RegisterBank: read ranges and exceptions (product.md "Behaviour decided"), and the write
// commands of reference pro380-protocols.md §1.6, whose official example frames are the vectors.
#include "device/pro380_register_bank.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pro380::device {
namespace {

using modbus::ExceptionCode;
using modbus::FunctionCode;

struct Change {
  std::string setting;
  double old_value;
  double new_value;
  bool persist;
  uint8_t unit_id;
};

class BankTest : public ::testing::Test {
 protected:
  BankTest() : meter_(metering::MeterConfig{}), bank_(meter_, settings_) {
    bank_.set_change_sink([this](const SettingChange& c) {
      changes_.push_back(
          {std::string(c.setting), c.old_value, c.new_value, c.persist, c.context->unit_id});
    });
  }

  std::optional<ExceptionCode> Read(uint16_t address, std::size_t count,
                                    FunctionCode function = FunctionCode::kReadHoldingRegisters) {
    words_.assign(count, 0xDEAD);
    return bank_.Read(function, address, words_);
  }
  std::optional<ExceptionCode> Write(uint16_t address, std::vector<uint16_t> words) {
    return bank_.Write(address, words, context_);
  }

  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380RegisterBank bank_;
  modbus::WriteContext context_{.interface = "modbus-rtu", .client = "test", .unit_id = 1};
  std::vector<uint16_t> words_;
  std::vector<Change> changes_;
};

TEST_F(BankTest, ReadOfAnyUnmappedRegisterIsIllegalDataAddress) {
  EXPECT_EQ(Read(0x4000, 33), ExceptionCode::kIllegalDataAddress);  // 0x4020 is not mapped
  EXPECT_EQ(Read(0x5031, 2), ExceptionCode::kIllegalDataAddress);   // 0x5032 (WAGO only)
  EXPECT_EQ(Read(0x4025, 1), ExceptionCode::kIllegalDataAddress);   // Inepro library's probe
  EXPECT_EQ(Read(0xFFFF, 2), ExceptionCode::kIllegalDataAddress);   // past the address space
  EXPECT_EQ(Read(0x1002, 1), ExceptionCode::kIllegalDataAddress);   // a hole of the old map
}

TEST_F(BankTest, ReadMayStartAndEndInsideAValue) {
  ASSERT_EQ(Read(0x400D, 2), std::nullopt);  // S0 rate 1000.0 = 0x447A 0x0000
  const std::vector<uint16_t> whole = words_;
  ASSERT_EQ(Read(0x400E, 2), std::nullopt);  // low word of the S0 rate, combined code
  EXPECT_EQ(words_, (std::vector<uint16_t>{whole[1], 0x0001}));
  ASSERT_EQ(Read(0x4005, 1), std::nullopt);  // high word of the protocol version 3.2
  EXPECT_EQ(words_, std::vector<uint16_t>{0x404C});
}

TEST_F(BankTest, Fc04ReadsTheSameAsFc03) {
  ASSERT_EQ(Read(0x4000, 32), std::nullopt);
  const std::vector<uint16_t> holding = words_;
  ASSERT_EQ(Read(0x4000, 32, FunctionCode::kReadInputRegisters), std::nullopt);
  EXPECT_EQ(words_, holding);
}

TEST_F(BankTest, OldMapShowsTheSameWordsAsTheNewMap) {
  settings_.serial_number = 15060001;  // S10: "01 03 04 15 06 00 01"
  ASSERT_EQ(Read(0x1000, 2), std::nullopt);
  EXPECT_EQ(words_, (std::vector<uint16_t>{0x1506, 0x0001}));
  ASSERT_EQ(Read(0x1010, 1), std::nullopt);
  EXPECT_EQ(words_, std::vector<uint16_t>{0x0102});
  ASSERT_EQ(Read(0x1020, 1), std::nullopt);
  EXPECT_EQ(words_, std::vector<uint16_t>{0x2580});
}

TEST_F(BankTest, CtMeterShowsItsCodeAmpsAndRatio) {
  metering::MeterConfig config;
  config.ct_variant = true;
  config.ct_ratio = 400;
  metering::Meter ct(config);
  Pro380RegisterBank bank(ct, settings_);
  std::vector<uint16_t> words(1);
  ASSERT_EQ(bank.Read(FunctionCode::kReadHoldingRegisters, 0x4002, words), std::nullopt);
  EXPECT_EQ(words[0], 0x0103);
  ASSERT_EQ(bank.Read(FunctionCode::kReadHoldingRegisters, 0x400B, words), std::nullopt);
  EXPECT_EQ(words[0], 5);
  ASSERT_EQ(bank.Read(FunctionCode::kReadHoldingRegisters, 0x400C, words), std::nullopt);
  EXPECT_EQ(words[0], 0x0400);  // "HEX" like the LCD time: the digits of 400
}

// §1.6 example frames, as the words they carry.
TEST_F(BankTest, OfficialWriteExamplesAreAccepted) {
  EXPECT_EQ(Write(0x4003, {0x000A}), std::nullopt);  // 01 06 4003 000A: ID 10
  EXPECT_EQ(settings_.modbus_id, 10);
  EXPECT_EQ(Write(0x4004, {0x2580}), std::nullopt);          // 01 06 4004 2580: 9600 baud
  EXPECT_EQ(Write(0x400D, {0x4120, 0x0000}), std::nullopt);  // 01 10 400D 0002 04 41200000
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 10);
  EXPECT_EQ(Write(0x4010, {0x0025}), std::nullopt);  // 01 06 4010 0025: 25 s
  EXPECT_EQ(settings_.lcd_cycle_time_s, 25);
  EXPECT_EQ(Write(0x4011, {0x0002}), std::nullopt);  // 01 06 4011 0002: no parity
  EXPECT_EQ(settings_.parity, Parity::kNone);
  EXPECT_EQ(Write(0x4016, {0x0000}), std::nullopt);  // 01 06 4016 0000: counter reset
  EXPECT_EQ(Write(0x6048, {0x0002}), std::nullopt);  // 01 06 6048 0002: T2
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT2);
  EXPECT_EQ(Write(0x6049, {0x0000, 0x0000}), std::nullopt);  // 01 10 6049 0002 04 0…: reset
  EXPECT_EQ(Write(0x400F, {0x000A}), std::nullopt);          // 01 06 400F 000A: C-10
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kNetted);

  ASSERT_EQ(changes_.size(), 9u);
  EXPECT_EQ(changes_[0].setting, "modbus_id");
  EXPECT_EQ(changes_[0].old_value, 1);
  EXPECT_EQ(changes_[0].new_value, 10);
  EXPECT_EQ(changes_[0].unit_id, 1);
  EXPECT_EQ(changes_[2].setting, "s0_rate");
  EXPECT_EQ(changes_[2].old_value, 1000);
  EXPECT_EQ(changes_[8].setting, "combined_code");
}

TEST_F(BankTest, CombinedCodeTenIsFinal) {
  ASSERT_EQ(Write(0x400F, {10}), std::nullopt);
  changes_.clear();
  EXPECT_EQ(Write(0x400F, {1}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kNetted);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(BankTest, IllegalValuesAreIllegalDataValueAndChangeNothing) {
  const DeviceSettings before = settings_;
  EXPECT_EQ(Write(0x4003, {0}), ExceptionCode::kIllegalDataValue);  // broadcast is no ID
  EXPECT_EQ(Write(0x4003, {248}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x4004, {19200}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x400D, {0x41A0, 0x0000}), ExceptionCode::kIllegalDataValue);  // 20.0
  EXPECT_EQ(Write(0x400F, {2}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x4010, {0x0031}), ExceptionCode::kIllegalDataValue);  // 31 s
  EXPECT_EQ(Write(0x4010, {0x001A}), ExceptionCode::kIllegalDataValue);  // not BCD
  EXPECT_EQ(Write(0x4011, {4}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x4016, {5}), ExceptionCode::kIllegalDataValue);  // only a reset
  EXPECT_EQ(Write(0x6048, {3}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x6049, {0x3F80, 0x0000}), ExceptionCode::kIllegalDataValue);  // 1.0
  EXPECT_EQ(settings_, before);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(BankTest, WritesOutsideWholeWritableEntriesAreIllegalDataAddress) {
  EXPECT_EQ(Write(0x4000, {0x1234}), ExceptionCode::kIllegalDataAddress);  // read-only serial
  EXPECT_EQ(Write(0x400E, {0x0000}), ExceptionCode::kIllegalDataAddress);  // half a float
  EXPECT_EQ(Write(0x400D, {0x4120}), ExceptionCode::kIllegalDataAddress);  // half a float
  EXPECT_EQ(Write(0x4020, {0x0001}), ExceptionCode::kIllegalDataAddress);  // unmapped
  EXPECT_EQ(Write(0x400C, {0x0400}), ExceptionCode::kIllegalDataAddress);  // CT: display only
  EXPECT_TRUE(changes_.empty());
}

TEST_F(BankTest, TariffElevenAndTwelveSwitchWithoutSaving) {
  ASSERT_EQ(Write(0x6048, {12}), std::nullopt);
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT2);
  ASSERT_EQ(Read(0x6048, 1), std::nullopt);
  EXPECT_EQ(words_[0], 2);
  ASSERT_EQ(Write(0x6048, {11}), std::nullopt);
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT1);
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_FALSE(changes_[0].persist);
  EXPECT_EQ(changes_[0].new_value, 2);
  EXPECT_FALSE(changes_[1].persist);
}

TEST_F(BankTest, MultiRegisterWriteIsAllOrNothing) {
  // 0x400D..0x4011: S0 rate, combined code, LCD time, parity — the last value is illegal.
  EXPECT_EQ(Write(0x400D, {0x4120, 0x0000, 5, 0x0020, 9}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 1000);
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kForwardOnly);
  EXPECT_EQ(settings_.lcd_cycle_time_s, 10);
  EXPECT_TRUE(changes_.empty());
  EXPECT_EQ(Write(0x400D, {0x4120, 0x0000, 5, 0x0020, 3}), std::nullopt);
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 10);
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kForwardPlusReverse);
  EXPECT_EQ(settings_.lcd_cycle_time_s, 20);
  EXPECT_EQ(settings_.parity, Parity::kOdd);
  EXPECT_EQ(changes_.size(), 4u);
}

TEST_F(BankTest, SealedBankRefusesEveryWrite) {
  bank_.set_sealed(true);
  const DeviceSettings before = settings_;
  EXPECT_EQ(Write(0x4003, {10}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x6049, {0, 0}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(Write(0x6048, {2}), ExceptionCode::kIllegalDataValue);
  EXPECT_EQ(settings_, before);
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT1);
  EXPECT_TRUE(changes_.empty());
  ASSERT_EQ(Read(0x4003, 1), std::nullopt);  // reads still work
  EXPECT_EQ(words_[0], 1);
}

TEST_F(BankTest, OldMapWritesReachTheSameSettings) {
  EXPECT_EQ(Write(0x1018, {7}), std::nullopt);
  EXPECT_EQ(settings_.modbus_id, 7);
  EXPECT_EQ(Write(0x2200, {2}), std::nullopt);
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT2);
}

}  // namespace
}  // namespace pro380::device
