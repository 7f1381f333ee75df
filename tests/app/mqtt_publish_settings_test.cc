// The config file's [mqtt_publish] table and --mqtt-publish (app/mqtt_publish_settings.h,
// docs/config.md "[mqtt_publish]"), through ParseRunConfig and ResolveRunPlan as pro380 run reads
// them: the defaults, every key, command line over file, and every bad value named.
#include "app/mqtt_publish_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "app/run_config.h"
#include "app/run_plan.h"

namespace pro380::app {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ErrorOf(const std::string& text) {
  auto config = ParseRunConfig(text, "site.toml");
  EXPECT_FALSE(config.ok()) << "expected an error for:\n" << text;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  return config.status().message();
}

// The plan of `text` (may be empty: no file) with `option` as --mqtt-publish.
Result<RunPlan> PlanOf(const std::string& text, std::optional<std::string> option = {}) {
  std::optional<RunConfig> file;
  if (!text.empty()) {
    auto config = ParseRunConfig(text, "site.toml");
    if (!config.ok()) return config.status();
    file = std::move(*config);
  }
  RunArgs args;
  args.mqtt_publish = std::move(option);
  return ResolveRunPlan(args, file, nullptr, "/home/someone");
}

MqttPublishPlan PublishPlanOf(const std::string& text, std::optional<std::string> option = {}) {
  auto plan = PlanOf(text, std::move(option));
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  if (!plan.ok() || !plan->mqtt_publish) {
    ADD_FAILURE() << "no publishing planned";
    return {};
  }
  return *plan->mqtt_publish;
}

std::string PlanErrorOf(const std::string& text, std::optional<std::string> option = {}) {
  auto plan = PlanOf(text, std::move(option));
  EXPECT_FALSE(plan.ok());
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), Status::Code::kInvalidArgument);
  return plan.status().message();
}

TEST(MqttPublishSettingsTest, OffByDefault) {
  auto plan = PlanOf("");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(plan->mqtt_publish);
  plan = PlanOf("[run]\nspeed = 1\n[mqtt]\nusername = \"u\"\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(plan->mqtt_publish);  // [mqtt] is the sources' client, not publishing
}

TEST(MqttPublishSettingsTest, ABrokerAloneTakesTheDefaults) {
  const MqttPublishPlan p = PublishPlanOf("[mqtt_publish]\nbroker = \"mqtt://127.0.0.1:1883\"\n");
  EXPECT_EQ(p.host, "127.0.0.1");
  EXPECT_EQ(p.port, 1883);
  EXPECT_FALSE(p.tls);
  EXPECT_EQ(p.prefix, "pro380");
  EXPECT_EQ(p.interval, std::chrono::seconds(10));
  EXPECT_FALSE(p.retain);
  EXPECT_EQ(p.qos, 0);
  EXPECT_FALSE(p.discovery);
  EXPECT_EQ(p.discovery_prefix, "homeassistant");
  EXPECT_EQ(p.ha_status_topic, "homeassistant/status");  // Home Assistant's default
  EXPECT_EQ(p.max_queued, 1000u);
  EXPECT_FALSE(p.writes);  // a set topic is listened to only when asked for
  EXPECT_FALSE(p.client.username);
  EXPECT_EQ(p.client.keepalive_s, kDefaultMqttKeepAliveS);
  EXPECT_EQ(p.Url(), "mqtt://127.0.0.1:1883");
}

TEST(MqttPublishSettingsTest, EveryKey) {
  const MqttPublishPlan p = PublishPlanOf(
      "[mqtt_publish]\nbroker = \"mqtts://broker.local:8883\"\nprefix = \"house/meters\"\n"
      "interval = \"2s\"\nretain = true\nqos = 1\ndiscovery = true\n"
      "discovery_prefix = \"ha\"\nha_status_topic = \"hass/status\"\n"
      "max_queued = 50\nwrites = true\nusername = \"meter\"\npassword = \"p\"\n"
      "client_id = \"pro380-pub\"\nkeepalive = 60\n");
  EXPECT_EQ(p.host, "broker.local");
  EXPECT_EQ(p.port, 8883);
  EXPECT_TRUE(p.tls);  // mqtts://
  EXPECT_EQ(p.prefix, "house/meters");
  EXPECT_EQ(p.interval, std::chrono::seconds(2));
  EXPECT_TRUE(p.retain);
  EXPECT_EQ(p.qos, 1);
  EXPECT_TRUE(p.discovery);
  EXPECT_EQ(p.discovery_prefix, "ha");
  EXPECT_EQ(p.ha_status_topic, "hass/status");
  EXPECT_EQ(p.max_queued, 50u);
  EXPECT_TRUE(p.writes);
  EXPECT_EQ(p.client.username, "meter");
  EXPECT_EQ(p.client.password, "p");
  EXPECT_EQ(p.client.client_id, "pro380-pub");
  EXPECT_EQ(p.client.keepalive_s, 60);
  EXPECT_EQ(p.Url(), "mqtts://broker.local:8883");
}

TEST(MqttPublishSettingsTest, TheCommandLineOverTheFile) {
  // --mqtt-publish alone.
  MqttPublishPlan p = PublishPlanOf("", "mqtt://broker.local:1884/site/a");
  EXPECT_EQ(p.host, "broker.local");
  EXPECT_EQ(p.port, 1884);
  EXPECT_EQ(p.prefix, "site/a");
  // The option's broker and prefix win; the file's other keys stay.
  p = PublishPlanOf(
      "[mqtt_publish]\nbroker = \"mqtt://127.0.0.1:1883\"\nprefix = \"file\"\ninterval = \"5s\"\n",
      "mqtt://127.0.0.1:2883/cli");
  EXPECT_EQ(p.port, 2883);
  EXPECT_EQ(p.prefix, "cli");
  EXPECT_EQ(p.interval, std::chrono::seconds(5));
  // An option without a prefix keeps the file's; a table without a broker takes the option's.
  p = PublishPlanOf("[mqtt_publish]\nprefix = \"file\"\ntls = true\n", "mqtt://127.0.0.1:2883");
  EXPECT_EQ(p.prefix, "file");
  EXPECT_TRUE(p.tls);  // the table's tls = true over an mqtt:// URL
}

TEST(MqttPublishSettingsTest, ATableNeedsABroker) {
  EXPECT_THAT(PlanErrorOf("[mqtt_publish]\ndiscovery = true\n"),
              StartsWith("[mqtt_publish] needs a broker: set mqtt_publish.broker or "
                         "--mqtt-publish (mqtt://HOST:PORT[/PREFIX] or "
                         "mqtts://HOST:PORT[/PREFIX])"));
}

TEST(MqttPublishSettingsTest, BadBrokersNameTheKeyAndTheForm) {
  const std::string form = "; allowed: mqtt://HOST:PORT[/PREFIX] or mqtts://HOST:PORT[/PREFIX]";
  const auto table = [](const std::string& url) {
    return "[mqtt_publish]\nbroker = \"" + url + "\"\n";
  };
  EXPECT_EQ(ErrorOf(table("tcp://127.0.0.1:1883")),
            "site.toml:2: mqtt_publish.broker = 'tcp://127.0.0.1:1883' is not an MQTT URL" + form);
  EXPECT_EQ(ErrorOf(table("mqtt://127.0.0.1")),
            "site.toml:2: mqtt_publish.broker = 'mqtt://127.0.0.1' has no HOST:PORT" + form);
  EXPECT_EQ(ErrorOf(table("mqtt://127.0.0.1:0")),
            "site.toml:2: mqtt_publish.broker = 'mqtt://127.0.0.1:0' has port '0', not "
            "1-65535" +
                form);
  EXPECT_EQ(ErrorOf(table("mqtt://127.0.0.1:65536")),
            "site.toml:2: mqtt_publish.broker = 'mqtt://127.0.0.1:65536' has port '65536', not "
            "1-65535" +
                form);
  EXPECT_THAT(ErrorOf(table("mqtt://127.0.0.1:1883/a/+")),
              HasSubstr("mqtt_publish.broker = 'mqtt://127.0.0.1:1883/a/+' has prefix 'a/+' is "
                        "not allowed; allowed values: topic levels separated by '/'"));
  EXPECT_EQ(ErrorOf("[mqtt_publish]\nbroker = 1883\n"),
            "site.toml:2: mqtt_publish.broker must be a string");
  EXPECT_EQ(PlanErrorOf("", "mqtt://127.0.0.1"),
            "--mqtt-publish: 'mqtt://127.0.0.1' has no HOST:PORT" + form);
  EXPECT_EQ(PlanErrorOf("", "http://127.0.0.1:80"),
            "--mqtt-publish: 'http://127.0.0.1:80' is not an MQTT URL" + form);
}

TEST(MqttPublishSettingsTest, BadValuesNameTheKeyAndTheAllowedValues) {
  const std::string head = "[mqtt_publish]\nbroker = \"mqtt://127.0.0.1:1883\"\n";
  const std::string levels =
      "is not allowed; allowed values: topic levels separated by '/', none empty, without '+' or "
      "'#' (e.g. pro380/house)";
  EXPECT_EQ(ErrorOf(head + "prefix = \"a//b\"\n"),
            "site.toml:3: mqtt_publish.prefix = 'a//b' " + levels);
  EXPECT_EQ(ErrorOf(head + "prefix = \"\"\n"), "site.toml:3: mqtt_publish.prefix = '' " + levels);
  EXPECT_EQ(ErrorOf(head + "prefix = \"/abs\"\n"),
            "site.toml:3: mqtt_publish.prefix = '/abs' " + levels);
  EXPECT_EQ(ErrorOf(head + "discovery_prefix = \"ha/#\"\n"),
            "site.toml:3: mqtt_publish.discovery_prefix = 'ha/#' " + levels);
  EXPECT_EQ(ErrorOf(head + "discovery = true\nha_status_topic = \"hass/+\"\n"),
            "site.toml:4: mqtt_publish.ha_status_topic = 'hass/+' " + levels);
  EXPECT_EQ(ErrorOf(head + "ha_status_topic = \"hass/status\"\n"),
            "site.toml:3: mqtt_publish.ha_status_topic needs mqtt_publish.discovery = true (the "
            "topic is listened to for Home Assistant's birth message only with discovery)");
  const std::string durations = "allowed values: a duration from 1s to 1h (e.g. \"10s\")";
  EXPECT_EQ(ErrorOf(head + "interval = \"500ms\"\n"),
            "site.toml:3: mqtt_publish.interval = \"500ms\" is not allowed; " + durations);
  EXPECT_EQ(ErrorOf(head + "interval = \"2h\"\n"),
            "site.toml:3: mqtt_publish.interval = \"2h\" is not allowed; " + durations);
  EXPECT_EQ(ErrorOf(head + "interval = \"soon\"\n"),
            "site.toml:3: mqtt_publish.interval = \"soon\" is not allowed; " + durations);
  EXPECT_EQ(ErrorOf(head + "interval = 10\n"),
            "site.toml:3: mqtt_publish.interval must be a string; " + durations);
  EXPECT_EQ(ErrorOf(head + "retain = \"yes\"\n"),
            "site.toml:3: mqtt_publish.retain must be true or false");
  EXPECT_EQ(ErrorOf(head + "discovery = 1\n"),
            "site.toml:3: mqtt_publish.discovery must be true or false");
  EXPECT_EQ(ErrorOf(head + "writes = \"yes\"\n"),
            "site.toml:3: mqtt_publish.writes must be true or false");
  EXPECT_EQ(ErrorOf(head + "qos = 3\n"),
            "site.toml:3: mqtt_publish.qos = 3 is not allowed; allowed values: 0, 1, 2");
  EXPECT_EQ(ErrorOf(head + "max_queued = 0\n"),
            "site.toml:3: mqtt_publish.max_queued = 0 is not allowed; allowed values: 1..1000000 "
            "(messages)");
  EXPECT_EQ(ErrorOf(head + "qos = -1\n"),
            "site.toml:3: mqtt_publish.qos = -1 is not allowed; allowed values: 0, 1, 2");
  EXPECT_EQ(ErrorOf(head + "qos = \"1\"\n"),
            "site.toml:3: mqtt_publish.qos must be an integer; allowed values: 0, 1, 2");
  EXPECT_EQ(
      ErrorOf(head + "topic = \"x\"\n"),
      "site.toml:3: mqtt_publish.topic is not a known key; known keys: broker, prefix, "
      "interval, retain, qos, discovery, discovery_prefix, ha_status_topic, max_queued, writes, "
      "username, password, password_file, client_id, tls, ca_file, cert_file, key_file, "
      "keepalive");
  // The client keys are [mqtt]'s, named under this table.
  EXPECT_EQ(ErrorOf(head + "keepalive = 2\n"),
            "site.toml:3: mqtt_publish.keepalive = 2 is not allowed; allowed values: 5..65535 "
            "(seconds)");
  EXPECT_EQ(ErrorOf(head + "password = \"hunter2\"\n"),
            "site.toml:3: mqtt_publish.password needs mqtt_publish.username (a password without "
            "a user name is not sent)");
  EXPECT_EQ(ErrorOf("mqtt_publish = \"mqtt://127.0.0.1:1883\"\n"),
            "site.toml:1: mqtt_publish must be a table: write [mqtt_publish]");
}

TEST(MqttPublishSettingsTest, TheRootKnowsTheTable) {
  EXPECT_THAT(ErrorOf("[mqtt_publsh]\n"),
              HasSubstr("known keys: run, interfaces, meter, fleet, mqtt, mqtt_publish"));
}

TEST(MqttPublishSettingsTest, AFleetIsNotPublished) {
  const std::string fleet =
      "[[fleet]]\ncount = 3\nserial_start = \"30000001\"\nmodbus_tcp = \"127.0.0.1:15000\"\n";
  EXPECT_THAT(PlanErrorOf(fleet, "mqtt://127.0.0.1:1883"),
              StartsWith("[mqtt_publish] / --mqtt-publish publishes the [[meter]] meters only, "
                         "and this config has none"));
  // With a [[meter]] besides, the plan stands (run_command publishes that meter only).
  auto plan = PlanOf(fleet + "[[meter]]\nserial = \"00000007\"\n", "mqtt://127.0.0.1:1883");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->mqtt_publish);
}

}  // namespace
}  // namespace pro380::app
