// The JSON of `pro380 state export|import`: exact round trips and a named place for every problem.
#include "app/state_json.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pro380::app
