#include "device/modbus_readout.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "device/register_names.h"

namespace pro380::device {
namespace {

// Decodes `words` of `block` into name -> value (codes as their text).
std::map<std::string, std::string> Named(const RegisterBlock& block,
                                         const std::vector<uint16_t>& words) {
  std::map<std::string, std::string> named;
  for (const ReadoutValue& v : DecodeReadoutBlock(block, words)) {
    named[std::string(RegisterName(*v.def))] =
        !v.text.empty() ? v.text : (v.value ? std::to_string(*v.value) : "invalid");
  }
  return named;
}

TEST(ModbusReadoutTest, BlocksAreTheThreeTheRealClientRead) {
  const auto blocks = ReadoutBlocks();
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(blocks[0].start, 0x4000);
  EXPECT_EQ(blocks[0].count, 32);
  EXPECT_EQ(blocks[1].start, 0x5000);
  EXPECT_EQ(blocks[1].count, 50);
  EXPECT_EQ(blocks[2].start, 0x6000);
  EXPECT_EQ(blocks[2].count, 75);
}

// The info block of the real-meter dump (reference §1.7) decodes to what the reference states.
TEST(ModbusReadoutTest, RealMeterInfoBlockDecodesLikeTheReference) {
  const std::vector<uint16_t> words = {
      0x2209, 0x1039, 0x0102, 0x0001, 0x2580, 0x404C, 0xCCCD, 0x400B, 0x851F, 0x3FA8, 0xF5C3,
      0x0064, 0x0000, 0x447A, 0x0000, 0x0001, 0x0010, 0x0001, 0x3146, 0x3252, 0x3352, 0x0000,
      0x000C, 0x0004, 0x0004, 0x0003, 0x0003, 0x0D01, 0x2D35, 0x0011, 0x0111, 0x0005};
  const auto named = Named(ReadoutBlocks()[0], words);
  EXPECT_EQ(named.at("serial_number"), "22091039");
  EXPECT_EQ(named.at("meter_code"), "0102");
  EXPECT_EQ(named.at("modbus_id"), std::to_string(1.0));
  EXPECT_EQ(named.at("baud_rate"), std::to_string(9600.0));
  EXPECT_EQ(named.at("protocol_version"), std::to_string(3.2));
  EXPECT_EQ(named.at("s0_rate"), std::to_string(1000.0));
  EXPECT_EQ(named.at("lcd_cycle_time_s"), std::to_string(10.0));
  EXPECT_EQ(named.at("current_direction_l2"), "2R");
  EXPECT_EQ(named.at("power_down_count"), std::to_string(12.0));
  EXPECT_EQ(named.at("checksum"), "0D012D35");
  EXPECT_EQ(named.at("status_word"), "00110111");
}

TEST(ModbusReadoutTest, FloatsComeBackAtTheRegistersResolution) {
  std::vector<uint16_t> words(75, 0);
  words[0] = 0x466B;  // 15062.03 kWh (§1.7), a float that is not exactly 15062.03
  words[1] = 0x581F;
  words[0x20] = 0x45CA;  // reverse L2 6483.44 kWh (§1.7): the float 6483.43994…, below it
  words[0x21] = 0x9B85;
  const auto values = DecodeReadoutBlock(ReadoutBlocks()[2], words);
  ASSERT_FALSE(values.empty());
  EXPECT_EQ(RegisterName(*values[0].def), "active_energy_kwh");
  ASSERT_TRUE(values[0].value.has_value());
  EXPECT_DOUBLE_EQ(*values[0].value, 15062.03);
  const ReadoutValue& reverse_l2 = values[0x20 / 2];
  EXPECT_EQ(RegisterName(*reverse_l2.def), "reverse_active_energy_l2_kwh");
  EXPECT_DOUBLE_EQ(*reverse_l2.value, 6483.44);  // nearest, not truncated
}

TEST(ModbusReadoutTest, VersionsComeBackAsTheirShortestDecimal) {
  std::vector<uint16_t> words(32, 0);
  words[5] = 0x404C;  // protocol version 3.2 (§1.7)
  words[6] = 0xCCCD;
  for (const ReadoutValue& v : DecodeReadoutBlock(ReadoutBlocks()[0], words)) {
    if (RegisterName(*v.def) == "protocol_version") {
      ASSERT_TRUE(v.value.has_value());
      EXPECT_EQ(*v.value, 3.2);  // exactly the double 3.2, not the float 3.2000000476837
      return;
    }
  }
  FAIL() << "no protocol_version entry";
}

TEST(ModbusReadoutTest, InvalidWordsGiveNoValue) {
  std::vector<uint16_t> words(32, 0);
  words[0x10] = 0x00AB;  // the LCD time's BCD nibbles above 9
  for (const ReadoutValue& v : DecodeReadoutBlock(ReadoutBlocks()[0], words)) {
    if (RegisterName(*v.def) == "lcd_cycle_time_s") {
      EXPECT_FALSE(v.value.has_value());
      return;
    }
  }
  FAIL() << "no lcd_cycle_time_s entry";
}

TEST(ModbusReadoutTest, SettingWordsRoundTrip) {
  const RegisterDef* lcd = FindWritableSetting("lcd_cycle_time_s");
  ASSERT_NE(lcd, nullptr);
  EXPECT_EQ(EncodeSettingWords(*lcd, 25), (std::vector<uint16_t>{0x0025}));
  const RegisterDef* s0 = FindWritableSetting("s0_rate");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(EncodeSettingWords(*s0, 1000), (std::vector<uint16_t>{0x447A, 0x0000}));
}

}  // namespace
}  // namespace pro380::device
