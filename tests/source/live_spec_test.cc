#include "source/live_spec.h"

#include <gtest/gtest.h>

#include <chrono>

namespace pro380::source {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ParseLiveSpec, TakesHttpAndMqttWithTheirOptions) {
  auto http = ParseLiveSpec("http");
  ASSERT_TRUE(http.ok());
  EXPECT_EQ(http->kind, LiveKind::kHttp);
  EXPECT_EQ(http->timeouts.stale, seconds(10));
  EXPECT_EQ(http->timeouts.timeout, seconds(60));
  auto mqtt = ParseLiveSpec("mqtt://127.0.0.1:18830/home/+/power?stale=500ms&timeout=2m");
  ASSERT_TRUE(mqtt.ok()) << mqtt.status().message();
  EXPECT_EQ(mqtt->kind, LiveKind::kMqtt);
  EXPECT_EQ(mqtt->host, "127.0.0.1");
  EXPECT_EQ(mqtt->port, 18830);
  EXPECT_EQ(mqtt->topic, "home/+/power");
  EXPECT_EQ(mqtt->timeouts.stale, milliseconds(500));
  EXPECT_EQ(mqtt->timeouts.timeout, seconds(120));
  EXPECT_EQ(mqtt->format, PayloadFormat::kCanonical);
  EXPECT_TRUE(ParseLiveSpec("http?stale=2.5&timeout=3s").ok());
}

TEST(ParseLiveSpec, NamesWhatIsWrong) {
  for (const auto& [spec, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"mqtt://host/topic", "source 'mqtt://host/topic': is not mqtt://HOST:PORT/TOPIC"},
           {"mqtt://host:0/t", "source 'mqtt://host:0/t': port '0' is not 1-65535"},
           {"mqtt://host:1883/", "source 'mqtt://host:1883/': is not mqtt://HOST:PORT/TOPIC"},
           {"http?stale=0s",
            "source 'http?stale=0s': stale='0s' is not a duration from 1ms to "
            "1000000s (e.g. 500ms, 10s, 2m)"},
           {"http?stale=20s&timeout=15s",
            "source 'http?stale=20s&timeout=15s': the timeout must not be shorter than "
            "the stale time"},
           {"http?format=canonical",
            "source 'http?format=canonical': unknown option "
            "'format=canonical'; allowed: stale=DUR, timeout=DUR"},
           {"mqtt://h:1/t?format=xml",
            "source 'mqtt://h:1/t?format=xml': format='xml' is not "
            "a payload format; allowed: canonical, tasmota, shelly, dsmr"},
       }) {
    auto parsed = ParseLiveSpec(spec);
    ASSERT_FALSE(parsed.ok()) << spec;
    EXPECT_EQ(parsed.status().message(), message);
  }
  EXPECT_FALSE(IsLiveSpec("httpx"));
  EXPECT_TRUE(IsLiveSpec("http?stale=1s"));
}

}  // namespace
}  // namespace pro380::source
