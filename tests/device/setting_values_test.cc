#include "device/setting_values.h"

#include <gtest/gtest.h>

#include "device/register_names.h"

namespace pro380::device {
namespace {

const RegisterDef& Setting(std::string_view name) {
  auto def = WritableSetting(name);
  EXPECT_TRUE(def.ok()) << name;
  return **def;
}

TEST(SettingValuesTest, NamesTheWritableSettingsForAnUnknownOne) {
  const auto unknown = WritableSetting("ct_ratio");  // read-only over Modbus (§1.3)
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find(
                "writable: modbus_id, baud_rate, s0_rate, combined_code, lcd_cycle_time_s, parity, "
                "power_down_count, tariff, day_counter_kwh"),
            std::string::npos)
      << unknown.status().message();
}

TEST(SettingValuesTest, AcceptsTheManualsValuesOnly) {
  EXPECT_EQ(*ParseSettingValue(Setting("modbus_id"), "247"), 247);
  EXPECT_FALSE(ParseSettingValue(Setting("modbus_id"), "248").ok());
  EXPECT_FALSE(ParseSettingValue(Setting("modbus_id"), "1.5").ok());
  EXPECT_EQ(*ParseSettingValue(Setting("baud_rate"), "2400"), 2400);
  EXPECT_FALSE(ParseSettingValue(Setting("baud_rate"), "19200").ok());
  EXPECT_EQ(*ParseSettingValue(Setting("parity"), "o"), 3);
  EXPECT_EQ(*ParseSettingValue(Setting("parity"), "2"), 2);
  EXPECT_EQ(*ParseSettingValue(Setting("s0_rate"), "0.01"), 0.01);
  EXPECT_FALSE(ParseSettingValue(Setting("s0_rate"), "500").ok());
  EXPECT_EQ(*ParseSettingValue(Setting("combined_code"), "11"), 11);
  EXPECT_FALSE(ParseSettingValue(Setting("combined_code"), "2").ok());
  EXPECT_EQ(*ParseSettingValue(Setting("tariff"), "12"), 12);
  EXPECT_FALSE(ParseSettingValue(Setting("tariff"), "3").ok());
  EXPECT_EQ(*ParseSettingValue(Setting("day_counter_kwh"), "0"), 0);
  EXPECT_FALSE(ParseSettingValue(Setting("day_counter_kwh"), "1").ok());
  EXPECT_FALSE(ParseSettingValue(Setting("lcd_cycle_time_s"), "").ok());
  EXPECT_FALSE(ParseSettingValue(Setting("lcd_cycle_time_s"), "10x").ok());
  EXPECT_FALSE(ParseSettingValue(Setting("lcd_cycle_time_s"), "nan").ok());
}

TEST(SettingValuesTest, ARefusalNamesTheAllowedValues) {
  const auto bad = ParseSettingValue(Setting("lcd_cycle_time_s"), "31");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "lcd_cycle_time_s=31: allowed values are an integer 1..30");
}

TEST(SettingValuesTest, UnsavedTariffsReadBackAsTheirTariff) {
  EXPECT_EQ(ExpectedReadBack(Setting("tariff"), 12), 2);
  EXPECT_EQ(ExpectedReadBack(Setting("tariff"), 1), 1);
  EXPECT_EQ(ExpectedReadBack(Setting("lcd_cycle_time_s"), 25), 25);
}

}  // namespace
}  // namespace pro380::device
