// The live source endpoints and metrics (docs/web.md, docs/sources.md) through RestApi with a
// fake SourcePort: routing, status codes, the JSON and the Prometheus text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "web/meter_views.h"
#include "web/rest_api.h"
#include "web/web_fixture.h"

namespace pro380::web {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class FakeSource final : public SourcePort {
 public:
  SourceStatusView View() const override {
    return {"http", stale ? "stale" : "fresh", stale, 2.5, {{"accepted", accepted}}};
  }
  Status SetValues(std::string_view json) override {
    values.emplace_back(json);
    if (json == "bad") return Status::InvalidArgument("not JSON");
    if (json == "mqtt") return Status::FailedPrecondition("the source is mqtt://x:1/t");
    ++accepted;
    return Status::Ok();
  }
  Status SetSchedule(std::string_view json) override {
    schedules.emplace_back(json);
    return Status::Ok();
  }
  bool stale = false;
  uint64_t accepted = 0;
  std::vector<std::string> values;
  std::vector<std::string> schedules;
};

class SourceApiTest : public WebFixture {
 protected:
  ApiResponse Call(std::string method, std::string path, std::string body = "") {
    RestApi api(gateway_);
    auto answer = api.Handle({std::move(method), std::move(path), {}, std::move(body), "p"});
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(ApiResponse{});
  }
  FakeSource source_;
};

TEST_F(SourceApiTest, AMeterWithoutALiveSourceHasNoSourceEndpoint) {
  EXPECT_EQ(Call("GET", "/api/v1/meters/00000001/source").status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/meters/00000001/source", "{}").status, 404);
  EXPECT_FALSE(Json::parse(Call("GET", "/api/v1/meters/00000001").body).contains("source"));
  EXPECT_THAT(Call("GET", "/metrics").body, ::testing::Not(HasSubstr("pro380_source_stale")));
}

TEST_F(SourceApiTest, ValuesGoToTheSourceAndItsStatusComesBack) {
  access_.meters[0].source = &source_;
  for (const char* method : {"PUT", "POST"}) {
    const ApiResponse r = Call(method, "/api/v1/meters/00000001/source", R"({"x":1})");
    EXPECT_EQ(r.status, 200) << r.body;
    const Json body = Json::parse(r.body);
    EXPECT_EQ(body["spec"], "http");
    EXPECT_EQ(body["state"], "fresh");
    EXPECT_EQ(body["stale"], false);
    EXPECT_EQ(body["age_s"], 2.5);
  }
  EXPECT_EQ(source_.values, (std::vector<std::string>{R"({"x":1})", R"({"x":1})"}));
  EXPECT_EQ(Json::parse(Call("GET", "/api/v1/meters/00000001/source").body)["counters"]["accepted"],
            2);
  EXPECT_EQ(Json::parse(Call("GET", "/api/v1/meters/00000001").body)["source"]["state"], "fresh");
}

TEST_F(SourceApiTest, RefusalsAre400AndAFeedThatIsNotRestIs409) {
  access_.meters[0].source = &source_;
  ApiResponse r = Call("PUT", "/api/v1/meters/00000001/source", "bad");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json::parse(r.body)["error"], "not JSON");
  r = Call("PUT", "/api/v1/meters/00000001/source", "mqtt");
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(Json::parse(r.body)["error"].get<std::string>(), HasSubstr("mqtt://"));
  EXPECT_EQ(Call("DELETE", "/api/v1/meters/00000001/source").status, 404);
}

TEST_F(SourceApiTest, TheScheduleGoesToTheSource) {
  access_.meters[0].source = &source_;
  EXPECT_EQ(Call("PUT", "/api/v1/meters/00000001/source/schedule", R"({"steps":[]})").status, 200);
  EXPECT_EQ(source_.schedules, (std::vector<std::string>{R"({"steps":[]})"}));
  EXPECT_TRUE(source_.values.empty());
}

TEST_F(SourceApiTest, MetricsCarryStalenessAndTheCounters) {
  access_.meters[0].source = &source_;
  source_.stale = true;
  source_.accepted = 7;
  const std::string text = Call("GET", "/metrics").body;
  EXPECT_THAT(text, HasSubstr("pro380_source_stale{serial=\"00000001\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("pro380_source_readings{serial=\"00000001\",counter=\"accepted\"} 7\n"));
  source_.stale = false;
  EXPECT_THAT(Call("GET", "/metrics").body,
              HasSubstr("pro380_source_stale{serial=\"00000001\"} 0\n"));
}

}  // namespace
}  // namespace pro380::web
