// DeviceSettings as named fields: exact round trips of every persisted setting, and refusal
// (never repair) of a value the device does not allow, an unknown name or a name given twice.
#include "device/device_setting_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pro380::device {
namespace {

DeviceSettings Changed() {
  DeviceSettings s;
  s.serial_number = 22091039;
  s.modbus_id = 247;
  s.baud_rate = 2400;
  s.parity = Parity::kOdd;
  s.lcd_cycle_time_s = 30;
  s.lcd_scroll_groups = 0x1FF;
  s.backlight_mode = BacklightMode::kOn;
  s.meter_code = 0x2007;
  return s;
}

TEST(DeviceSettingFields, DefaultsAreFourFieldsWithTheWireParity) {
  const std::vector<SettingField> expected = {
      {"modbus_id", 1}, {"baud_rate", 9600}, {"parity", 1}, {"lcd_cycle_time_s", 10}};
  EXPECT_EQ(EncodeDeviceSettings(DeviceSettings{}), expected);  // no meter_code: nullopt
}

TEST(DeviceSettingFields, FrontPanelSettingsAreStoredOnlyWhenChanged) {
  DeviceSettings s;
  s.backlight_mode = BacklightMode::kOff;
  const std::vector<SettingField> backlight = {{"modbus_id", 1},
                                               {"baud_rate", 9600},
                                               {"parity", 1},
                                               {"lcd_cycle_time_s", 10},
                                               {"backlight_mode", 1}};
  EXPECT_EQ(EncodeDeviceSettings(s), backlight);
  s.lcd_scroll_groups = 0;  // nothing scrolls: the page stays
  EXPECT_EQ(EncodeDeviceSettings(s).size(), 6u);
  EXPECT_EQ(EncodeDeviceSettings(s)[4], (SettingField{"lcd_scroll_groups", 0}));
}

TEST(DeviceSettingFields, RoundTripIsExact) {
  for (const DeviceSettings& s : {DeviceSettings{}, Changed()}) {
    DeviceSettings base;
    base.serial_number = s.serial_number;  // the key, not a field
    auto decoded = DecodeDeviceSettings(EncodeDeviceSettings(s), base);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(*decoded, s);
  }
  DeviceSettings zero_code;
  zero_code.meter_code = 0;  // a set code of 0 is not "unset"
  auto decoded = DecodeDeviceSettings(EncodeDeviceSettings(zero_code));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->meter_code, std::optional<uint16_t>(0));
}

TEST(DeviceSettingFields, EveryAllowedValueRoundTrips) {
  DeviceSettings s;
  for (const int baud : kBaudRates) {
    for (const Parity parity : {Parity::kEven, Parity::kNone, Parity::kOdd}) {
      s.baud_rate = baud;
      s.parity = parity;
      auto decoded = DecodeDeviceSettings(EncodeDeviceSettings(s));
      ASSERT_TRUE(decoded.ok()) << decoded.status().message();
      EXPECT_EQ(*decoded, s);
    }
  }
}

TEST(DeviceSettingFields, FirmwareFactsAndMissingFieldsComeFromTheBase) {
  DeviceSettings base;
  base.serial_number = 12345678;
  base.software_version = 9.99;
  base.lcd_cycle_time_s = 7;
  auto decoded = DecodeDeviceSettings(std::vector<SettingField>{{"modbus_id", 9}}, base);
  ASSERT_TRUE(decoded.ok());
  DeviceSettings expected = base;
  expected.modbus_id = 9;
  EXPECT_EQ(*decoded, expected);
  auto empty = DecodeDeviceSettings({}, base);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, base);
}

std::string Refusal(std::vector<SettingField> fields) {
  auto decoded = DecodeDeviceSettings(fields);
  EXPECT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Status::Code::kFailedPrecondition);
  return decoded.status().message();
}

TEST(DeviceSettingFields, ADamagedValueIsRefusedNamingFieldAndValue) {
  EXPECT_EQ(Refusal({{"modbus_id", 0}}), "device setting modbus_id = 0 is not allowed (1..247)");
  EXPECT_EQ(Refusal({{"modbus_id", 248}}),
            "device setting modbus_id = 248 is not allowed (1..247)");
  EXPECT_EQ(Refusal({{"baud_rate", 19200}}),
            "device setting baud_rate = 19200 is not allowed (300, 600, 1200, 2400, 4800, 9600)");
  EXPECT_EQ(Refusal({{"parity", 0}}),
            "device setting parity = 0 is not allowed (1 even, 2 none, 3 odd)");
  EXPECT_EQ(Refusal({{"parity", 4}}),
            "device setting parity = 4 is not allowed (1 even, 2 none, 3 odd)");
  EXPECT_EQ(Refusal({{"lcd_cycle_time_s", 31}}),
            "device setting lcd_cycle_time_s = 31 is not allowed (1..30)");
  EXPECT_EQ(Refusal({{"lcd_cycle_time_s", 0}}),
            "device setting lcd_cycle_time_s = 0 is not allowed (1..30)");
  EXPECT_EQ(Refusal({{"meter_code", 65536}}),
            "device setting meter_code = 65536 is not allowed (0..65535)");
  EXPECT_EQ(Refusal({{"meter_code", -1}}),
            "device setting meter_code = -1 is not allowed (0..65535)");
  EXPECT_EQ(Refusal({{"lcd_scroll_groups", 512}}),
            "device setting lcd_scroll_groups = 512 is not allowed (a bit set of the page groups, "
            "0..511)");
  EXPECT_EQ(Refusal({{"backlight_mode", 3}}),
            "device setting backlight_mode = 3 is not allowed (0 btn, 1 off, 2 on)");
  // Values beyond int: no truncation makes them valid.
  EXPECT_EQ(Refusal({{"modbus_id", 4294967297}}),
            "device setting modbus_id = 4294967297 is not allowed (1..247)");
}

// The M-Bus settings are stored only when changed (a Modbus meter's stored form is unchanged)
// and come back as they were.
TEST(DeviceSettingFields, MbusSettingsRoundTripWhenChanged) {
  DeviceSettings s;
  for (const SettingField& f : EncodeDeviceSettings(s)) {
    EXPECT_EQ(f.name.rfind("mbus_", 0), std::string::npos) << f.name;
  }
  s.mbus_primary_address = 250;
  s.mbus_baud_rate = 2400;
  s.mbus_secondary_address = 12345678;
  const auto fields = EncodeDeviceSettings(s);
  auto decoded = DecodeDeviceSettings(fields);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, s);
  EXPECT_EQ(Refusal({{"mbus_primary_address", 251}}),
            "device setting mbus_primary_address = 251 is not allowed (0..250)");
  EXPECT_EQ(Refusal({{"mbus_baud_rate", 19200}}),
            "device setting mbus_baud_rate = 19200 is not allowed (300, 600, 1200, 2400, 4800, "
            "9600)");
  EXPECT_EQ(Refusal({{"mbus_secondary_address", 100000000}}),
            "device setting mbus_secondary_address = 100000000 is not allowed (0..99999999)");
}

TEST(DeviceSettingFields, UnknownAndRepeatedNamesAreRefused) {
  EXPECT_EQ(Refusal({{"modbus_id", 1}, {"serial_number", 5}}),
            "device setting serial_number = 5 is not a device setting (known: modbus_id, "
            "baud_rate, parity, lcd_cycle_time_s, lcd_scroll_groups, backlight_mode, "
            "mbus_primary_address, mbus_baud_rate, mbus_secondary_address, iec_password, "
            "meter_code)");
  EXPECT_EQ(Refusal({{"baud_rate", 9600}, {"baud_rate", 1200}}),
            "device setting baud_rate is given twice");
}

}  // namespace
}  // namespace pro380::device
