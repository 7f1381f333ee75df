// The messages of MQTT publishing (app/mqtt_publisher.h, docs/mqtt.md): the state JSON carries
// every canonical quantity as the REST API shows it, and Home Assistant's discovery configs carry
// the fields HA requires. The broker side is tests/integration/mqtt_publish_test.py.
#include "app/mqtt_publisher.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "device/ha_discovery.h"
#include "device/register_codec.h"
#include "device/register_names.h"
#include "metering/meter.h"
#include "metering/readings.h"
#include "storage/nontrivial_state.h"

namespace pro380::app {
namespace {

TEST(MqttPublisherTest, TheStateCarriesEveryQuantityAsItsRegister) {
  const metering::Meter meter(storage::NonTrivialState(3));
  const nlohmann::json state = nlohmann::json::parse(MeterStateJson(meter));
  const metering::Readings readings = metering::Read(meter);
  ASSERT_EQ(state.size(), metering::kQuantities.size() + 1);  // and meter_time
  EXPECT_TRUE(state["meter_time"].is_string());
  int nonzero = 0;
  for (const metering::Quantity& q : metering::kQuantities) {
    const std::string name(q.name);
    ASSERT_TRUE(state.contains(name)) << name;
    const device::RegisterDef* def = device::FindQuantityRegister(q.id);
    const double expected = def ? device::Quantize(*def, readings[q.id]) : readings[q.id];
    EXPECT_EQ(state[name].get<double>(), expected) << name;
    nonzero += expected != 0;
  }
  EXPECT_GT(nonzero, 20);  // a state with values, not a table of zeros
}

TEST(MqttPublisherTest, DiscoveryConfigsCarryWhatHomeAssistantRequires) {
  const metering::Meter meter(storage::NonTrivialState(3));
  const PublishedMeter published{"22091039", ModelName(Variant::kMb), &meter};
  MqttPublishPlan plan;
  plan.prefix = "house";
  std::set<std::string> unique_ids;
  for (std::size_t i = 0; i < device::kHaSensors.size(); ++i) {
    const nlohmann::json config = nlohmann::json::parse(HaSensorConfigJson(published, plan, i));
    const metering::Quantity& q = metering::QuantityInfo(device::kHaSensors[i].id);
    const std::string name(q.name);
    EXPECT_EQ(config["unique_id"], "pro380_22091039_" + name);
    unique_ids.insert(config["unique_id"]);
    EXPECT_EQ(config["state_topic"], "house/22091039/state");
    EXPECT_EQ(config["value_template"], "{{ value_json." + name + " }}");
    EXPECT_EQ(config["availability_topic"], "house/availability");
    EXPECT_EQ(config["payload_available"], "online");
    EXPECT_EQ(config["payload_not_available"], "offline");
    EXPECT_EQ(config["state_class"], device::kHaSensors[i].state_class);
    if (device::kHaSensors[i].device_class.empty()) {
      EXPECT_FALSE(config.contains("device_class")) << name;
    } else {
      EXPECT_EQ(config["device_class"], device::kHaSensors[i].device_class);
    }
    if (q.unit.empty()) {
      EXPECT_FALSE(config.contains("unit_of_measurement")) << name;
    } else {
      EXPECT_EQ(config["unit_of_measurement"], q.unit);
    }
    EXPECT_EQ(config["device"]["identifiers"], nlohmann::json::array({"pro380_22091039"}));
    EXPECT_EQ(config["device"]["manufacturer"], "Inepro Metering");
    EXPECT_EQ(config["device"]["model"], "PRO380-Mb");
    EXPECT_EQ(config["device"]["serial_number"], "22091039");
    EXPECT_EQ(config["device"]["name"], "PRO380 22091039");
    EXPECT_FALSE(config["name"].get<std::string>().empty());
  }
  EXPECT_EQ(unique_ids.size(), device::kHaSensors.size());
}

TEST(MqttPublisherTest, ModelNames) {
  EXPECT_EQ(ModelName(Variant::kMod), "PRO380-Mod");
  EXPECT_EQ(ModelName(Variant::kMb), "PRO380-Mb");
  EXPECT_EQ(ModelName(Variant::kS), "PRO380-S");
}

}  // namespace
}  // namespace pro380::app
