// The M-Bus records and optical-port data sets of a meter through the REST API, and the
// interfaces' counters in /metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "device/pro380_iec_provider.h"
#include "device/pro380_mbus_device.h"
#include "web/rest_api.h"
#include "web/web_fixture.h"

namespace pro380::web {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class InterfaceViewsTest : public WebFixture {
 protected:
  InterfaceViewsTest() : mbus_(meter_, settings_), iec_(meter_, settings_, "PRO380-Mb") {
    access_.meters[0].mbus = &mbus_;
    access_.meters[0].iec = &iec_;
  }
  Json Get(const std::string& path, int status = 200) {
    RestApi api(gateway_);
    const std::optional<ApiResponse> r = api.Handle({"GET", path, {}, "", "127.0.0.1:1"});
    EXPECT_TRUE(r.has_value());
    EXPECT_EQ(r->status, status) << r->body;
    return r->content_type == "application/json" ? Json::parse(r->body) : Json(r->body);
  }

  device::Pro380MbusDevice mbus_;
  device::Pro380IecProvider iec_;
};

// The concatenated records are the readout the slave engine sends, split at record boundaries.
TEST_F(InterfaceViewsTest, MbusRecordsAreTheReadoutSplitIntoHeaderAndData) {
  const Json r = Get("/api/v1/meters/00000001/mbus-records");
  mbus::RecordList readout;
  mbus_.AppendReadout(readout);
  ASSERT_EQ(r["records"].size(), readout.ends.size());
  std::string joined;
  for (const Json& record : r["records"]) {
    joined += (joined.empty() ? "" : " ") + record["header"].get<std::string>() + " " +
              record["data"].get<std::string>();
  }
  std::string expected;
  for (uint8_t b : readout.bytes) {
    char pair[4];
    std::snprintf(pair, sizeof pair, "%s%02X", expected.empty() ? "" : " ", b);
    expected += pair;
  }
  EXPECT_EQ(joined, expected);
}

// Every record that shows a quantity decodes to what the meter view (the Modbus resolution)
// shows, in the quantity's unit; fields are named as libmbus reports them.
TEST_F(InterfaceViewsTest, MbusRecordValuesEqualTheMetersQuantities) {
  const Json quantities = Get("/api/v1/meters/00000001")["quantities"];
  const Json records = Get("/api/v1/meters/00000001/mbus-records")["records"];
  int compared = 0;
  for (const Json& record : records) {
    const std::string name = record["name"];
    if (!quantities.contains(name)) continue;
    ASSERT_FALSE(record["value"].is_null()) << name;
    EXPECT_NEAR(record["value"].get<double>(), quantities[name].get<double>(),
                1e-6 * (1 + std::abs(quantities[name].get<double>())))
        << name;
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(metering::kQuantityCount));
  const Json& first = records[0];  // 0C 04: active energy total, 8-digit BCD in 10 Wh
  EXPECT_EQ(first["header"], "0C 04");
  EXPECT_EQ(first["data_field"], "bcd8");
  EXPECT_EQ(first["function"], "instantaneous");
  EXPECT_EQ(first["unit"], "kWh");
}

TEST_F(InterfaceViewsTest, IecDataSetsAreTheReadoutAsSent) {
  const Json sets = Get("/api/v1/meters/00000001/iec-data-sets")["data_sets"];
  const std::vector<iec62056::DataSet> readout = iec_.Readout();
  ASSERT_EQ(sets.size(), readout.size());
  for (size_t k = 0; k < readout.size(); ++k) {
    EXPECT_EQ(sets[k]["code"], readout[k].address);
    EXPECT_EQ(sets[k]["value"], readout[k].value);
    EXPECT_EQ(sets[k]["unit"], readout[k].unit);
  }
  // The manual's example load for 1 h: 10 kWh forward, as the display shows it (6.2 digits).
  const auto find = [&](std::string_view code) {
    for (const Json& s : sets) {
      if (s["code"] == code) return s;
    }
    return Json();
  };
  EXPECT_EQ(find("1.8.0")["value"], "000010.00");
  EXPECT_EQ(find("1.8.0")["unit"], "kWh");
  EXPECT_EQ(find("32.7.0")["value"], "230.0");
  EXPECT_EQ(find("139.0.1")["access"], "rw");
}

TEST_F(InterfaceViewsTest, AMeterWithoutTheInterfaceAnswers404) {
  access_.meters[0].mbus = nullptr;
  access_.meters[0].iec = nullptr;
  EXPECT_THAT(Get("/api/v1/meters/00000001/mbus-records", 404)["error"].get<std::string>(),
              HasSubstr("no M-Bus"));
  EXPECT_THAT(Get("/api/v1/meters/00000001/iec-data-sets", 404)["error"].get<std::string>(),
              HasSubstr("no optical port"));
  const Json list = Get("/api/v1/meters");
  EXPECT_EQ(list[0]["on_mbus"], false);
  EXPECT_EQ(list[0]["on_iec"], false);
}

TEST_F(InterfaceViewsTest, MetricsCarryEveryInterfaceCounterWithEscapedLabels) {
  access_.counters = [] {
    return std::vector<InterfaceCounters>{
        {"mbus /tmp/a\"b", {{"frames", 7}, {"meter_1.requests", 3}}},
        {"iec-tcp 127.0.0.1:2", {{"sign_ons", 2}}}};
  };
  const std::string text = Get("/metrics").get<std::string>();
  EXPECT_THAT(text, HasSubstr("# TYPE pro380_interface_counter gauge\n"));
  EXPECT_THAT(
      text,
      HasSubstr("pro380_interface_counter{interface=\"mbus /tmp/a\\\"b\",counter=\"frames\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("pro380_interface_counter{interface=\"iec-tcp 127.0.0.1:2\","
                              "counter=\"sign_ons\"} 2\n"));
}

}  // namespace
}  // namespace pro380::web
