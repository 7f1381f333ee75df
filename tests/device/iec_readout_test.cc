// The optical port client's decoding (device/iec_readout.h): a PRO380's own readout (the meter's
// side, Pro380IecProvider) decodes back to the values it showed, by the canonical names; codes
// stay text; foreign units and addresses are not misread; the writable settings' data sets.
#include "device/iec_readout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "device/pro380_iec_provider.h"
#include "device/register_names.h"
#include "testing/const_load_hour.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

TEST(IecReadoutTest, TheMetersReadoutDecodesToWhatItShows) {
  DeviceSettings settings;
  settings.serial_number = 22091039;
  metering::Meter meter(metering::MeterConfig{});
  pro380::testing::ApplyConstLoadHour(meter);
  Pro380IecProvider provider(meter, settings, "PRO380-Mod");
  const std::vector<iec62056::DataSet> sets = provider.Readout();
  const IecReadout readout = DecodeIecReadout(sets);
  EXPECT_TRUE(readout.unknown.empty());
  ASSERT_EQ(readout.values.size(), sets.size());
  std::set<std::string> names;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const IecReadoutValue& v = readout.values[i];
    ASSERT_NE(v.entry, nullptr);
    EXPECT_EQ(v.entry->code, sets[i].address);
    names.insert(std::string(IecEntryName(*v.entry)));
    ASSERT_TRUE(v.value) << sets[i].address;
    // The value shown, parsed back, formats to the same text.
    EXPECT_EQ(FormatIecValue(*v.entry, *v.value), sets[i].value) << sets[i].address;
  }
  EXPECT_EQ(names.size(), sets.size());  // every name once
  const auto find = [&](std::string_view name) -> const IecReadoutValue* {
    for (const IecReadoutValue& v : readout.values) {
      if (IecEntryName(*v.entry) == name) return &v;
    }
    return nullptr;
  };
  ASSERT_NE(find("serial_number"), nullptr);
  EXPECT_EQ(find("serial_number")->text, "22091039");
  EXPECT_EQ(*find("active_power_l3_kw")->value, -12.0);
  EXPECT_EQ(*find("voltage_l2_v")->value, 230.0);
  EXPECT_EQ(*find("reverse_active_energy_kwh")->value, 12.0);
  EXPECT_EQ(*find("software_version")->value, 2.18);
  EXPECT_TRUE(find("s0_forward_pulses"));  // the pulse counters have data sets
}

TEST(IecReadoutTest, ForeignUnitsAndAddressesAreNotMisread) {
  const std::vector<iec62056::DataSet> sets = {{"32.7.0", "230.0", "kV"},
                                               {"1.8.0", "12x", "kWh"},
                                               {"99.9.9", "1", ""},
                                               {"139.0.8", "00000000", ""},
                                               {"C.1.0", "22091039", ""}};
  const IecReadout readout = DecodeIecReadout(sets);
  ASSERT_EQ(readout.values.size(), 3u);
  EXPECT_FALSE(readout.values[0].value);  // another unit
  EXPECT_FALSE(readout.values[1].value);  // not a number
  EXPECT_EQ(readout.values[2].text, "22091039");
  // An unknown address and the write-only password are no values.
  EXPECT_EQ(readout.unknown, (std::vector<std::string>{"99.9.9", "139.0.8"}));
}

TEST(IecReadoutTest, TheWritableSettingsDataSets) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"modbus_id", "139.0.0"},        {"baud_rate", "139.0.1"},      {"parity", "139.0.2"},
      {"lcd_cycle_time_s", "139.0.3"}, {"s0_rate", "138.0.1"},        {"combined_code", "138.0.0"},
      {"tariff", "96.14.0"},           {"day_counter_kwh", "136.8.0"}};
  for (const auto& [name, code] : expected) {
    const RegisterDef* def = FindWritableSetting(name);
    ASSERT_NE(def, nullptr) << name;
    const IecEntry* entry = IecEntryForSetting(*def);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_EQ(entry->code, code) << name;
  }
  EXPECT_EQ(IecEntryForSetting(*FindWritableSetting("power_down_count")), nullptr);
}

}  // namespace
}  // namespace pro380::device
