// The JSON of `pro380 state export|import`: exact round trips and a named place for every problem.
#include "app/state_json.h"

#include <gtest/gtest.h>

#include "app/saved_device_settings.h"
#include "metering/meter.h"
#include "metering/readings.h"
#include "storage/nontrivial_state.h"

namespace pro380::app {
namespace {

std::vector<storage::MeterRecord> TwoMeters() {
  return {{"00000001", storage::NonTrivialState(1)}, {"22091039", storage::NonTrivialState(2)}};
}

std::vector<storage::StoredEvent> SomeEvents() {
  return {{1,
           {storage::At(10), storage::At(11), "00000001", storage::EventKind::kPowerUp, "app", "",
            "new meter"}},
          {2,
           {storage::At(12), storage::At(13), "22091039", storage::EventKind::kSettingChange,
            "modbus-tcp", "127.0.0.1:50000", "s0_rate: 1000 -> 100"}}};
}

// The export as a parsed (unordered) document, as an importer reads it from a file.
nlohmann::json Exported() {
  return nlohmann::json::parse(StateToJson(TwoMeters(), SomeEvents()).dump());
}

TEST(StateJson, ExportThenImportIsExact) {
  auto doc = StateFromJson(Exported());
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_EQ(doc->meters.size(), 2u);
  EXPECT_EQ(doc->meters[0].key, "00000001");
  EXPECT_EQ(doc->meters[0].state, storage::NonTrivialState(1));
  EXPECT_EQ(doc->meters[1].state, storage::NonTrivialState(2));
  ASSERT_EQ(doc->events.size(), 2u);
  EXPECT_EQ(doc->events[1], SomeEvents()[1].event);
}

TEST(StateJson, ExportShowsTheQuantitiesForPeople) {
  const auto doc = StateToJson(TwoMeters(), {});
  const metering::Meter meter(storage::NonTrivialState(1));
  EXPECT_DOUBLE_EQ(doc["meters"][0]["quantities"]["forward_active_energy_kwh"].get<double>(),
                   metering::Read(meter)[metering::QuantityId::kForwardActiveEnergyKwh]);
  EXPECT_EQ(doc["format"], "pro380-state");
}

std::string ImportError(const std::function<void(nlohmann::json&)>& damage) {
  nlohmann::json doc = Exported();
  damage(doc);
  return StateFromJson(doc).status().message();
}

TEST(StateJson, EveryProblemIsNamedWithItsPlace) {
  EXPECT_EQ(ImportError([](auto& d) { d["format"] = "other"; }),
            "format must be \"pro380-state\" (this is not a pro380 state export)");
  EXPECT_EQ(ImportError([](auto& d) { d["version"] = 2; }),
            "version must be 1 (an export of another pro380 version)");
  EXPECT_EQ(ImportError([](auto& d) { d.erase("meters"); }), "meters must be an array");
  EXPECT_EQ(ImportError([](auto& d) { d["meters"][1]["key"] = "123"; }),
            "meters[1]: key '123' is not an 8-digit serial");
  EXPECT_EQ(ImportError([](auto& d) { d["meters"][1]["key"] = "00000001"; }),
            "meters[1]: meter 00000001 appears twice");
  EXPECT_EQ(ImportError([](auto& d) { d["meters"][0]["state"]["tariff"] = 3; }),
            "meters[0].state: tariff is not 1 or 2");
  EXPECT_EQ(ImportError([](auto& d) { d["meters"][0]["state"].erase("ct_ratio"); }),
            "meters[0].state: ct_ratio is missing");
  EXPECT_EQ(ImportError([](auto& d) { d["meters"][0]["state"]["day_counter_uwh"] = true; }),
            "meters[0].state: day_counter_uwh must be a number or a string");
  EXPECT_EQ(ImportError([](auto& d) {
              d["meters"][0]["state"]["power_down_count"] = 18446744073709551615ull;
            }),
            "meters[0].state: power_down_count must be an integer");
  EXPECT_EQ(ImportError([](auto& d) { d["events"][0]["kind"] = "party"; }),
            "events[0]: kind 'party' is not an event kind");
  EXPECT_EQ(ImportError([](auto& d) { d["events"][1].erase("detail"); }),
            "events[1]: detail must be a string");
}

TEST(StateJson, RegistersThatNoMeterCouldHaveAreRefused) {
  const std::string message =
      ImportError([](auto& d) { d["meters"][0]["state"]["active_forward_l1_t1_uwh"] = -5; });
  EXPECT_EQ(message.rfind("meters[0].state: ", 0), 0u) << message;
  EXPECT_NE(message.find("registers"), std::string::npos) << message;
}

device::DeviceSettings ChangedSettings() {
  device::DeviceSettings s;
  s.modbus_id = 17;
  s.baud_rate = 1200;
  s.parity = device::Parity::kNone;
  s.lcd_cycle_time_s = 3;
  s.meter_code = 0x2007;
  return s;
}

// Two meters, the first with saved device settings, the second saved without them.
std::vector<storage::MeterRecord> MetersWithSettings() {
  std::vector<storage::MeterRecord> meters = TwoMeters();
  meters[0].device_settings = DeviceSettingsToNamed(ChangedSettings());
  return meters;
}

TEST(StateJson, DeviceSettingsAreExportedAsNamedIntegers) {
  const auto doc = StateToJson(MetersWithSettings(), {});
  const nlohmann::ordered_json expected = {{"modbus_id", 17},
                                           {"baud_rate", 1200},
                                           {"parity", 2},
                                           {"lcd_cycle_time_s", 3},
                                           {"meter_code", 8199}};
  EXPECT_EQ(doc["meters"][0]["device_settings"], expected);
  std::vector<std::string> keys;
  for (const auto& [key, value] : doc["meters"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"key", "meter_time", "state", "device_settings",
                                            "quantities"}));
  EXPECT_FALSE(doc["meters"][1].contains("device_settings"));  // none saved
  EXPECT_EQ(doc["schema_version"], storage::kSchemaVersion);
  EXPECT_EQ(StateToJson(TwoMeters(), {}, 1)["schema_version"], 1);
}

TEST(StateJson, ExportThenImportWithDeviceSettingsIsExact) {
  auto doc = StateFromJson(nlohmann::json::parse(StateToJson(MetersWithSettings(), {}).dump()));
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_EQ(doc->meters.size(), 2u);
  ASSERT_TRUE(doc->meters[0].device_settings.has_value());
  EXPECT_EQ(*doc->meters[0].device_settings, DeviceSettingsToNamed(ChangedSettings()));
  auto decoded = DeviceSettingsFromNamed(*doc->meters[0].device_settings);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, ChangedSettings());
  EXPECT_FALSE(doc->meters[1].device_settings.has_value());
}

TEST(StateJson, AnExportMadeBeforeDeviceSettingsImports) {
  nlohmann::json old = nlohmann::json::parse(StateToJson(MetersWithSettings(), {}).dump());
  old["schema_version"] = 1;
  for (auto& meter : old["meters"]) meter.erase("device_settings");
  auto doc = StateFromJson(old);
  ASSERT_TRUE(doc.ok()) << doc.status().message();
  ASSERT_EQ(doc->meters.size(), 2u);
  EXPECT_FALSE(doc->meters[0].device_settings.has_value());  // the store keeps what it has
  EXPECT_EQ(doc->meters[0].state, storage::NonTrivialState(1));
}

TEST(StateJson, MissingDeviceSettingsFieldsAreTheDefaults) {
  nlohmann::json doc = nlohmann::json::parse(StateToJson(TwoMeters(), {}).dump());
  doc["meters"][1]["device_settings"] = {{"modbus_id", 99}};
  auto parsed = StateFromJson(doc);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  device::DeviceSettings expected;
  expected.modbus_id = 99;
  EXPECT_EQ(*parsed->meters[1].device_settings, DeviceSettingsToNamed(expected));
}

std::string SettingsImportError(const nlohmann::json& settings) {
  nlohmann::json doc = nlohmann::json::parse(StateToJson(MetersWithSettings(), {}).dump());
  doc["meters"][1]["device_settings"] = settings;
  return StateFromJson(doc).status().message();
}

TEST(StateJson, EveryDeviceSettingsProblemIsNamedWithItsPlace) {
  EXPECT_EQ(SettingsImportError({{"baud_rate", 1234}}),
            "meters[1].device_settings: device setting baud_rate = 1234 is not allowed (300, 600, "
            "1200, 2400, 4800, 9600)");
  EXPECT_EQ(SettingsImportError({{"modbus_id", 0}}),
            "meters[1].device_settings: device setting modbus_id = 0 is not allowed (1..247)");
  EXPECT_EQ(SettingsImportError({{"parity", "even"}}),
            "meters[1].device_settings: parity must be an integer");
  EXPECT_EQ(SettingsImportError({{"lcd_cycle_time_s", 10.5}}),
            "meters[1].device_settings: lcd_cycle_time_s must be an integer");
  EXPECT_EQ(SettingsImportError({{"serial_number", 22091039}}),
            "meters[1].device_settings: device setting serial_number = 22091039 is not a device "
            "setting (known: modbus_id, baud_rate, parity, lcd_cycle_time_s, lcd_scroll_groups, "
            "backlight_mode, mbus_primary_address, mbus_baud_rate, mbus_secondary_address, "
            "iec_password, "
            "meter_code)");
  EXPECT_EQ(SettingsImportError(nlohmann::json::array({1, 2})),
            "meters[1].device_settings: must be an object");
}

}  // namespace
}  // namespace pro380::app
