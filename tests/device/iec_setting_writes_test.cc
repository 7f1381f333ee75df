#include "device/iec_setting_writes.h"

#include <gtest/gtest.h>

#include "device/iec_readout.h"

namespace pro380::device {
namespace {

IecOnlyWrite Write(std::string_view name, std::string_view text) {
  const IecOnlySetting* setting = FindIecOnlySetting(name);
  EXPECT_NE(setting, nullptr) << name;
  if (setting == nullptr) return {};
  auto write = IecOnlySettingWrite(*setting, text);
  EXPECT_TRUE(write.ok()) << write.status().message();
  return write.ok() ? *write : IecOnlyWrite{};
}

std::string Refusal(std::string_view name, std::string_view text) {
  auto write = IecOnlySettingWrite(*FindIecOnlySetting(name), text);
  EXPECT_FALSE(write.ok()) << name << "=" << text;
  return write.ok() ? "" : std::string(write.status().message());
}

TEST(IecSettingWritesTest, EachSettingWritesItsDataSetUnderItsReadoutName) {
  // The data sets of docs/protocols/iec62056.md's table.
  EXPECT_EQ(Write("lcd_scroll_groups", "511").entry->code, "139.0.4");
  EXPECT_EQ(Write("backlight_mode", "2").entry->code, "139.0.5");
  EXPECT_EQ(Write("mbus_primary_address", "250").entry->code, "139.0.6");
  EXPECT_EQ(Write("mbus_secondary_address", "00000042").entry->code, "139.0.7");
  EXPECT_EQ(Write("iec_password", "12345678").entry->code, "139.0.8");
  for (std::string_view name : {"lcd_scroll_groups", "backlight_mode", "mbus_primary_address",
                                "mbus_secondary_address", "iec_password"}) {
    EXPECT_EQ(
        IecEntryName(
            *Write(name, name.starts_with("mbus_s") || name.starts_with("iec") ? "00000001" : "1")
                 .entry),
        name);
  }
  EXPECT_EQ(FindIecOnlySetting("modbus_id"), nullptr);  // Modbus writes it: not optical-only
  EXPECT_EQ(IecOnlySettingNames(),
            "lcd_scroll_groups, backlight_mode, mbus_primary_address, mbus_secondary_address, "
            "iec_password");
}

TEST(IecSettingWritesTest, ValuesAreSentAsTheMeterParsesThem) {
  const IecOnlyWrite secondary = Write("mbus_secondary_address", "00000042");
  EXPECT_EQ(secondary.sent, "00000042");  // 8 digits, leading zeros kept
  EXPECT_EQ(secondary.value, 42u);
  EXPECT_EQ(Write("lcd_scroll_groups", "007").sent, "7");
  EXPECT_EQ(Write("iec_password", "00000000").sent, "00000000");
}

TEST(IecSettingWritesTest, ValuesOutsideTheMetersRulesAreRefusedNamingTheAllowedOnes) {
  EXPECT_EQ(Refusal("lcd_scroll_groups", "512"),
            "lcd_scroll_groups=512: allowed values are 0..511 (a bit per page group that "
            "scrolls, docs/display.md)");
  EXPECT_NE(Refusal("backlight_mode", "3").find("0 (on while a button is used), 1 (off), 2 (on)"),
            std::string::npos);
  EXPECT_NE(Refusal("mbus_primary_address", "251").find("0..250"), std::string::npos);
  EXPECT_NE(Refusal("mbus_secondary_address", "1234").find("8 digits"), std::string::npos);
  EXPECT_NE(Refusal("iec_password", "1234567").find("8 digits"), std::string::npos);
  Refusal("iec_password", "1234567A");
  Refusal("backlight_mode", "-1");
  Refusal("backlight_mode", "1.0");
  Refusal("lcd_scroll_groups", "");
  Refusal("lcd_scroll_groups", "99999999999");
}

}  // namespace
}  // namespace pro380::device
