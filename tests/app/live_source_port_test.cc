#include "app/live_source_port.h"

#include <gtest/gtest.h>

#include <chrono>

#include "source/open_source.h"

namespace pro380::app {
namespace {

using std::chrono::seconds;

uint64_t Counter(const web::SourceStatusView& view, const std::string& name) {
  for (const auto& [n, v] : view.counters) {
    if (n == name) return v;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

void Advance(source::RecordSource& source, Duration span) {
  metering::Interval record;
  Duration done{};
  while (done < span) {
    ASSERT_TRUE(source.Read(std::span(&record, 1)).ok());
    done += record.duration;
  }
}

TEST(LiveSourcePort, CountsEveryRefusalByKindAndTakesGoodValues) {
  const std::string spec = "mqtt://127.0.0.1:1883/house?stale=1s&timeout=2s";
  auto opened = source::OpenSource(spec, {});
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  auto port = MakeLiveSourcePort(spec, *opened->records);
  ASSERT_TRUE(port);
  EXPECT_EQ(port->Take("{").message(), "not JSON");
  EXPECT_FALSE(port->Take(R"({"volts": 1})").ok());
  EXPECT_FALSE(port->Take(R"({"voltage_l1_v": 400})").ok());
  EXPECT_FALSE(port->Take(R"({})").ok());
  ASSERT_TRUE(port->Take(R"({"voltage_l1_v": 231})").ok());
  const web::SourceStatusView view = port->View();
  EXPECT_EQ(view.spec, spec);
  EXPECT_EQ(view.state, "fresh");
  EXPECT_FALSE(view.stale);
  EXPECT_EQ(view.age_s, 0.0);
  EXPECT_EQ(Counter(view, "accepted"), 1u);
  EXPECT_EQ(Counter(view, "malformed"), 1u);
  EXPECT_EQ(Counter(view, "unknown_key"), 1u);
  EXPECT_EQ(Counter(view, "out_of_range"), 1u);
  EXPECT_EQ(Counter(view, "no_value"), 1u);
  // An MQTT source takes no values from the REST API.
  EXPECT_EQ(port->SetValues(R"({"voltage_l1_v": 231})").code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(port->SetSchedule(R"({"steps": []})").code(), Status::Code::kFailedPrecondition);
}

TEST(LiveSourcePort, ReportsEachStateChangeOnce) {
  auto opened = source::OpenSource("http?stale=1s&timeout=2s", {});
  ASSERT_TRUE(opened.ok());
  auto port = MakeLiveSourcePort("http?stale=1s&timeout=2s", *opened->records);
  ASSERT_TRUE(port);
  EXPECT_FALSE(port->StateChange());  // waiting, as at the start
  ASSERT_TRUE(port->SetValues(R"({"active_power_l2_kw": 1})").ok());
  EXPECT_EQ(port->StateChange(), source::LiveState::kFresh);
  EXPECT_FALSE(port->StateChange());
  Advance(*opened->records, seconds(1));
  EXPECT_EQ(port->StateChange(), source::LiveState::kStale);
  EXPECT_EQ(LiveStateLine(*port, source::LiveState::kStale),
            "source http?stale=1s&timeout=2s stale: no reading for 1 s, the last values are held");
  Advance(*opened->records, seconds(1));
  EXPECT_EQ(port->StateChange(), source::LiveState::kTimedOut);
  EXPECT_EQ(port->View().age_s, 2.0);
}

TEST(MakeLiveSourcePort, IsNullForOtherSources) {
  auto opened = source::OpenSource("const:P1=1", {});
  ASSERT_TRUE(opened.ok());
  EXPECT_FALSE(MakeLiveSourcePort("const:P1=1", *opened->records));
}

}  // namespace
}  // namespace pro380::app
