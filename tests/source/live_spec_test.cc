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
  EXPECT_FALSE(mqtt->tls);
  auto mqtts = ParseLiveSpec("mqtts://broker.lan:8883/house/meter");
  ASSERT_TRUE(mqtts.ok()) << mqtts.status().message();
  EXPECT_TRUE(mqtts->tls);
  EXPECT_EQ(mqtts->host, "broker.lan");
  EXPECT_EQ(mqtts->port, 8883);
  EXPECT_EQ(mqtts->topic, "house/meter");
  EXPECT_TRUE(IsLiveSpec("mqtts://h:1/t"));
  EXPECT_TRUE(ParseLiveSpec("http?stale=2.5&timeout=3s").ok());
}

TEST(ParseLiveSpec, NamesWhatIsWrong) {
  for (const auto& [spec, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"mqtt://host/topic", "source 'mqtt://host/topic': is not mqtt://HOST:PORT/TOPIC"},
           {"mqtts://host/t", "source 'mqtts://host/t': is not mqtts://HOST:PORT/TOPIC"},
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
  EXPECT_TRUE(IsLiveSpec("modbus-client:tcp://127.0.0.1:502"));
  EXPECT_TRUE(IsLiveSpec("http?stale=1s"));
}

TEST(ParseLiveSpec, TakesModbusClientWithItsOptions) {
  auto plain = ParseLiveSpec("modbus-client:tcp://192.168.1.50:502");
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(plain->kind, LiveKind::kModbusClient);
  EXPECT_EQ(plain->upstream, "tcp://192.168.1.50:502");
  EXPECT_EQ(plain->unit_id, 1);
  EXPECT_EQ(plain->map, "pro380");
  EXPECT_EQ(plain->interval, seconds(1));
  auto rtu = ParseLiveSpec(
      "modbus-client:rtu:/dev/ttyUSB0:9600:N?id=2&map=sdm630&interval=500ms&stale=3s&timeout=9s");
  ASSERT_TRUE(rtu.ok()) << rtu.status().message();
  EXPECT_EQ(rtu->upstream, "rtu:/dev/ttyUSB0:9600:N");
  EXPECT_EQ(rtu->unit_id, 2);
  EXPECT_EQ(rtu->map, "sdm630");  // checked by the app (app/modbus_bridge.h)
  EXPECT_EQ(rtu->interval, milliseconds(500));
  EXPECT_EQ(rtu->timeouts.stale, seconds(3));
  EXPECT_EQ(rtu->timeouts.timeout, seconds(9));
}

TEST(ParseLiveSpec, NamesWhatIsWrongInAModbusClientSpec) {
  for (const auto& [spec, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"modbus-client:",
            "source 'modbus-client:': names no upstream meter; expected "
            "modbus-client:tcp://HOST:PORT, modbus-client:rtu-over-tcp://HOST:PORT or "
            "modbus-client:rtu:DEV[:BAUD[:PARITY]]"},
           {"modbus-client:tcp://h:1?id=0",
            "source 'modbus-client:tcp://h:1?id=0': id='0' is not a Modbus ID; allowed: 1..247"},
           {"modbus-client:tcp://h:1?id=248",
            "source 'modbus-client:tcp://h:1?id=248': id='248' is not a Modbus ID; allowed: "
            "1..247"},
           {"modbus-client:tcp://h:1?interval=50ms",
            "source 'modbus-client:tcp://h:1?interval=50ms': interval='50ms' must be from 100ms "
            "to 1h"},
           {"modbus-client:tcp://h:1?interval=20s",
            "source 'modbus-client:tcp://h:1?interval=20s': the poll interval must not be "
            "longer than the stale time"},
           {"modbus-client:tcp://h:1?format=tasmota",
            "source 'modbus-client:tcp://h:1?format=tasmota': unknown option 'format=tasmota'; "
            "allowed: stale=DUR, timeout=DUR, id=1..247, map=NAME, interval=DUR"},
           {"mqtt://h:1/t?id=2",
            "source 'mqtt://h:1/t?id=2': unknown option 'id=2'; allowed: stale=DUR, "
            "timeout=DUR, format=canonical, tasmota, shelly, dsmr"},
       }) {
    auto parsed = ParseLiveSpec(spec);
    ASSERT_FALSE(parsed.ok()) << spec;
    EXPECT_EQ(parsed.status().message(), message);
  }
}

}  // namespace
}  // namespace pro380::source
