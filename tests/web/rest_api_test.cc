// RestApi: every endpoint of docs/api/openapi.yaml against a real meter and bank, through a
// gateway that runs the task at once.
#include "web/rest_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "device/register_codec.h"
#include "metering/readings.h"
#include "web/web_fixture.h"

namespace pro380::web {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class RestApiTest : public WebFixture {
 protected:
  ApiResponse Call(std::string method, std::string path, std::string body = "",
                   std::map<std::string, std::string> query = {}) {
    RestApi api(gateway_);
    auto answer = api.Handle(
        {std::move(method), std::move(path), std::move(query), std::move(body), "127.0.0.1:40000"});
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(ApiResponse{});
  }
  Json Get(const std::string& path, int status = 200) {
    const ApiResponse r = Call("GET", path);
    EXPECT_EQ(r.status, status) << r.body;
    return Json::parse(r.body);
  }
};

TEST_F(RestApiTest, PathsOutsideTheApiAreNotHandled) {
  RestApi api(gateway_);
  EXPECT_FALSE(api.Handle({"GET", "/", {}, "", ""}).has_value());
  EXPECT_FALSE(api.Handle({"GET", "/app.js", {}, "", ""}).has_value());
}

TEST_F(RestApiTest, ListsTheMeters) {
  settings_.mbus_primary_address = 42;
  const Json list = Get("/api/v1/meters");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["serial"], "00000001");
  EXPECT_EQ(list[0]["variant"], "mod");
  EXPECT_EQ(list[0]["modbus_id"], 1);
  EXPECT_EQ(list[0]["mbus_primary_address"], 42);
}

TEST_F(RestApiTest, MeterHasEveryQuantityByCanonicalNameAtRegisterResolution) {
  const Json m = Get("/api/v1/meters/00000001");
  const Json& q = m["quantities"];
  EXPECT_EQ(q.size(), metering::kQuantityCount);
  for (const metering::Quantity& quantity : metering::kQuantities) {
    EXPECT_TRUE(q.contains(std::string(quantity.name))) << quantity.name;
  }
  EXPECT_DOUBLE_EQ(q["voltage_l1_v"].get<double>(), 230.0);
  EXPECT_DOUBLE_EQ(q["active_power_l3_kw"].get<double>(), -12.0);
  EXPECT_DOUBLE_EQ(q["current_l1_a"].get<double>(), 21.74);  // 5000/230 = 21.739 to 0.01 A
  EXPECT_DOUBLE_EQ(q["forward_active_energy_kwh"].get<double>(), 10.0);  // 1 h of L1 + L2
  EXPECT_DOUBLE_EQ(q["reverse_active_energy_kwh"].get<double>(), 12.0);
  EXPECT_EQ(m["settings"]["modbus_id"], 1);
  EXPECT_EQ(m["settings"]["baud_rate"], 9600);
}

TEST_F(RestApiTest, UnknownMeterAndEndpointAre404) {
  EXPECT_THAT(Get("/api/v1/meters/12345678", 404)["error"].get<std::string>(),
              HasSubstr("12345678"));
  EXPECT_THAT(Get("/api/v1/nothing", 404)["error"].get<std::string>(), HasSubstr("no such"));
}

TEST_F(RestApiTest, RegistersCarryTheWordsAModbusReadReturns) {
  const Json r = Get("/api/v1/meters/00000001/registers");
  ASSERT_EQ(r["interfaces"].size(), 1u);
  const Json& registers = r["interfaces"][0]["registers"];
  size_t checked = 0;
  for (const Json& reg : registers) {
    const auto address = reg["address"].get<uint16_t>();
    const size_t count = reg["words"].size();
    std::vector<uint16_t> words(count);
    ASSERT_EQ(bank_.Read(modbus::FunctionCode::kReadHoldingRegisters, address, words),
              std::nullopt);
    for (size_t i = 0; i < count; ++i) {
      EXPECT_EQ(std::stoul(reg["words"][i].get<std::string>(), nullptr, 16), words[i])
          << reg["address_hex"];
    }
    ++checked;
  }
  EXPECT_GT(checked, 150u);  // both maps
  const auto find = [&](const std::string& hex) {
    for (const Json& reg : registers) {
      if (reg["address_hex"] == hex) return reg;
    }
    return Json();
  };
  EXPECT_EQ(find("0x4003")["name"], "modbus_id");
  EXPECT_EQ(find("0x4003")["access"], "rw");
  EXPECT_EQ(find("0x5002")["name"], "voltage_l1_v");
  EXPECT_DOUBLE_EQ(find("0x5002")["value"].get<double>(), 230.0);
  EXPECT_EQ(find("0x2000")["map"], "1.x");
}

TEST_F(RestApiTest, SettingWriteGoesThroughTheBankAndIsReportedAsRest) {
  const ApiResponse r =
      Call("POST", "/api/v1/meters/00000001/settings/combined_code", R"({"value": 4})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kReverseOnly);
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].setting, "combined_code");
  EXPECT_EQ(changes_[0].interface, "rest");
  EXPECT_EQ(changes_[0].client, "127.0.0.1:40000");
  EXPECT_EQ(settings_written_, 1);
}

TEST_F(RestApiTest, DayCounterResetAndModbusIdLikeABusWrite) {
  ASSERT_GT(meter_.day_counter_uwh(), 0);
  EXPECT_EQ(
      Call("POST", "/api/v1/meters/00000001/settings/day_counter_kwh", R"({"value":0})").status,
      200);
  EXPECT_EQ(meter_.day_counter_uwh(), 0);
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/settings/modbus_id", R"({"value":17})").status,
            200);
  EXPECT_EQ(settings_.modbus_id, 17);
}

TEST_F(RestApiTest, RefusedWritesChangeNothing) {
  const auto post = [&](const std::string& name, const std::string& body) {
    return Call("POST", "/api/v1/meters/00000001/settings/" + name, body).status;
  };
  EXPECT_EQ(post("combined_code", R"({"value": 2})"), 422);    // not a combined code
  EXPECT_EQ(post("modbus_id", R"({"value": 248})"), 422);      // 1..247
  EXPECT_EQ(post("modbus_id", R"({"value": 65537})"), 422);    // would wrap in 16 bits
  EXPECT_EQ(post("baud_rate", R"({"value": 19200})"), 422);    // not a meter baud rate
  EXPECT_EQ(post("day_counter_kwh", R"({"value": 5})"), 422);  // only 0 resets
  EXPECT_EQ(post("voltage_l1_v", R"({"value": 1})"), 404);     // read-only
  EXPECT_EQ(post("modbus_id", R"({"value": "7"})"), 400);
  EXPECT_EQ(post("modbus_id", "not json"), 400);
  EXPECT_EQ(settings_.modbus_id, 1);
  EXPECT_TRUE(changes_.empty());
  EXPECT_EQ(settings_written_, 0);
}

TEST_F(RestApiTest, CombinedCode10LocksAgainstRestAsAgainstModbus) {
  ASSERT_EQ(
      Call("POST", "/api/v1/meters/00000001/settings/combined_code", R"({"value":10})").status,
      200);
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/settings/combined_code", R"({"value":1})").status,
            422);
}

TEST_F(RestApiTest, SealedMeterRefusesWith403) {
  bank_.set_sealed(true);
  EXPECT_EQ(Call("POST", "/api/v1/meters/00000001/settings/tariff", R"({"value":2})").status, 403);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(RestApiTest, GatewayThatDoesNotAnswerGives503) {
  gateway_.refuse = true;
  EXPECT_EQ(Call("GET", "/api/v1/meters").status, 503);
}

TEST_F(RestApiTest, EventsAndTrafficAfterASequenceNumber) {
  events_.Add({0, {}, {}, "00000001", "power_up", "app", "", "new meter"});
  events_.Add({0, {}, {}, "00000001", "setting_change", "rest", "x", "tariff: 1 -> 2"});
  const Json all = Get("/api/v1/events");
  ASSERT_EQ(all["events"].size(), 2u);
  EXPECT_EQ(all["last_seq"], 2);
  EXPECT_EQ(Get("/api/v1/meters/00000001/events")["events"].size(), 2u);
  const ApiResponse later = Call("GET", "/api/v1/events", "", {{"after", "1"}});
  EXPECT_EQ(Json::parse(later.body)["events"][0]["detail"], "tariff: 1 -> 2");
  EXPECT_EQ(Call("GET", "/api/v1/events", "", {{"after", "x"}}).status, 400);

  const uint8_t frame[] = {0x01, 0x03, 0x50, 0x02, 0x00, 0x02, 0x75, 0x0B};
  traffic_.Record(
      {{}, "modbus-rtu", "pty", transport::FrameDirection::kReceived, frame, nullptr, ""});
  const Json traffic = Get("/api/v1/traffic");
  ASSERT_EQ(traffic["frames"].size(), 1u);
  EXPECT_EQ(traffic["frames"][0]["hex"], "01 03 50 02 00 02 75 0B");
  EXPECT_EQ(traffic["frames"][0]["interface"], "modbus-rtu");
}

TEST_F(RestApiTest, MetricsHaveOneGaugePerQuantityWithCanonicalNames) {
  const ApiResponse r = Call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.content_type, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE pro380_voltage_l1_v gauge\n"
                                "pro380_voltage_l1_v{serial=\"00000001\"} 230.0\n"));
  EXPECT_THAT(r.body, HasSubstr("pro380_reverse_active_energy_kwh{serial=\"00000001\"} 12.0\n"));
  size_t families = 0;
  for (size_t at = r.body.find("# TYPE "); at != std::string::npos;
       at = r.body.find("# TYPE ", at + 1)) {
    ++families;
  }
  EXPECT_EQ(families, metering::kQuantityCount);
}

}  // namespace
}  // namespace pro380::web
