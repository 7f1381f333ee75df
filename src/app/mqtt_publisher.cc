#include "app/mqtt_publisher.h"

#include <mosquitto.h>

#include <asio/post.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "app/mqtt_client.h"
#include "device/ha_discovery.h"
#include "device/register_codec.h"
#include "device/register_names.h"
#include "metering/readings.h"
#include "web/traffic_log.h"

namespace pro380::app {
namespace {

constexpr unsigned kFirstRetryS = 1;  // then doubling
constexpr unsigned kLastRetryS = 30;  // a broker away for long is retried twice a minute
constexpr std::string_view kOnline = "online";
constexpr std::string_view kOffline = "offline";
constexpr std::string_view kManufacturer = "Inepro Metering";

std::string StateTopic(const MqttPublishPlan& plan, const std::string& serial) {
  return plan.prefix + "/" + serial + "/state";
}

std::string NodeId(const std::string& serial) { return "pro380_" + serial; }

}  // namespace

std::string MeterStateJson(const metering::Meter& meter) {
  const metering::Readings readings = metering::Read(meter);
  nlohmann::ordered_json state = nlohmann::ordered_json::object();
  for (const metering::Quantity& q : metering::kQuantities) {
    // As the REST API shows it (web/meter_views.cc): quantized as its register; + 0.0 turns a
    // -0.0 into 0.
    const device::RegisterDef* def = device::FindQuantityRegister(q.id);
    const double value = (def ? device::Quantize(*def, readings[q.id]) : readings[q.id]) + 0.0;
    if (std::isfinite(value)) {
      state[std::string(q.name)] = value;
    } else {
      state[std::string(q.name)] = nullptr;
    }
  }
  state["meter_time"] = web::IsoTime(meter.now());  // as the REST API writes it, in ms
  return state.dump();
}

std::string HaSensorConfigJson(const PublishedMeter& meter, const MqttPublishPlan& plan,
                               std::size_t sensor_index) {
  const device::HaSensorClass& sensor = device::kHaSensors[sensor_index];
  const metering::Quantity& q = metering::QuantityInfo(sensor.id);
  const std::string name(q.name);
  nlohmann::ordered_json config = {
      {"name", device::HaSensorName(q)},
      {"unique_id", NodeId(meter.serial) + "_" + name},
      {"state_topic", StateTopic(plan, meter.serial)},
      {"value_template", "{{ value_json." + name + " }}"},
      {"availability_topic", plan.prefix + "/availability"},
      {"payload_available", kOnline},
      {"payload_not_available", kOffline},
  };
  if (!sensor.device_class.empty()) config["device_class"] = sensor.device_class;
  config["state_class"] = sensor.state_class;
  if (!q.unit.empty()) config["unit_of_measurement"] = q.unit;
  config["device"] = {{"identifiers", {NodeId(meter.serial)}},
                      {"name", "PRO380 " + meter.serial},
                      {"manufacturer", kManufacturer},
                      {"model", meter.model},
                      {"serial_number", meter.serial}};
  return config.dump();
}

MqttPublisher::MqttPublisher(asio::io_context& io, const MqttPublishPlan& plan,
                             std::vector<PublishedMeter> meters)
    : io_(io), plan_(plan), meters_(std::move(meters)), timer_(io) {}

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Start(asio::io_context& io,
                                                            const MqttPublishPlan& plan,
                                                            std::vector<PublishedMeter> meters) {
  InitMqttLibrary();
  std::unique_ptr<MqttPublisher> publisher(new MqttPublisher(io, plan, std::move(meters)));
  const std::string id = MqttClientId(plan.client, "");
  publisher->client_ = mosquitto_new(id.c_str(), /*clean_session=*/true, publisher.get());
  if (!publisher->client_) return Status::IoError("MQTT publish: cannot make a client");
  mosquitto* client = publisher->client_;
  if (Status st = ApplyMqttClientSettings(client, plan.client, plan.tls); !st.ok()) {
    return st.WithContext("--mqtt-publish");
  }
  // The last will: the broker publishes "offline" when the connection dies without a goodbye.
  const std::string availability = publisher->AvailabilityTopic();
  if (const int rc =
          mosquitto_will_set(client, availability.c_str(), static_cast<int>(kOffline.size()),
                             kOffline.data(), plan.qos, /*retain=*/true);
      rc != MOSQ_ERR_SUCCESS) {
    return Status::InvalidArgument("--mqtt-publish: prefix '" + plan.prefix +
                                   "': " + mosquitto_strerror(rc));
  }
  mosquitto_connect_callback_set(client, &MqttPublisher::OnConnect);
  mosquitto_disconnect_callback_set(client, &MqttPublisher::OnDisconnect);
  mosquitto_log_callback_set(client, &MqttPublisher::OnLog);
  mosquitto_reconnect_delay_set(client, kFirstRetryS, kLastRetryS, /*exponential=*/true);
  const int rc =
      mosquitto_connect_async(client, plan.host.c_str(), plan.port, plan.client.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    publisher->Log("cannot reach the broker yet (" + std::string(mosquitto_strerror(rc)) +
                   "), retrying");
  }
  if (const int loop = mosquitto_loop_start(client); loop != MOSQ_ERR_SUCCESS) {
    return Status::IoError("MQTT publish: cannot start the client thread: " +
                           std::string(mosquitto_strerror(loop)));
  }
  publisher->Arm();
  return publisher;
}

MqttPublisher::~MqttPublisher() {
  timer_.cancel();
  if (!client_) return;
  if (connected_) Publish(AvailabilityTopic(), std::string(kOffline), /*retain=*/true);
  mosquitto_disconnect(client_);  // queued after "offline": the network thread sends both
  mosquitto_loop_stop(client_, /*force=*/false);  // joins the client thread: no post after it
  mosquitto_destroy(client_);
}

std::string MqttPublisher::Describe() const { return plan_.Describe(); }

void MqttPublisher::Log(const std::string& line) const {
  std::printf("mqtt publish %s: %s\n", plan_.Url().c_str(), line.c_str());
  std::fflush(stdout);
}

void MqttPublisher::OnConnect(mosquitto*, void* self, int rc) {
  auto* publisher = static_cast<MqttPublisher*>(self);
  if (rc == 0) {
    asio::post(publisher->io_, [publisher] { publisher->Connected(); });
    return;
  }
  asio::post(publisher->io_, [publisher, rc] {
    publisher->Log("the broker refused the connection: " +
                   std::string(mosquitto_connack_string(rc)) + ", retrying");
  });
}

void MqttPublisher::OnDisconnect(mosquitto*, void* self, int rc) {
  auto* publisher = static_cast<MqttPublisher*>(self);
  if (rc == 0) return;  // our own disconnect at the stop
  asio::post(publisher->io_, [publisher, rc] {
    if (publisher->connected_) {
      publisher->Log("connection lost (" + std::string(mosquitto_strerror(rc)) + "), retrying");
    }
    publisher->connected_ = false;
  });
}

void MqttPublisher::OnLog(mosquitto*, void* self, int level, const char* text) {
  if (!MqttLogLevelShown(level) || !text) return;
  auto* publisher = static_cast<MqttPublisher*>(self);
  asio::post(publisher->io_,
             [publisher, line = std::string(text)] { publisher->Log("client: " + line); });
}

void MqttPublisher::Connected() {
  connected_ = true;
  Publish(AvailabilityTopic(), std::string(kOnline), /*retain=*/true);
  std::size_t configs = 0;
  if (plan_.discovery) {
    // Retained, so that Home Assistant finds them whenever it starts.
    for (const PublishedMeter& m : meters_) {
      for (std::size_t i = 0; i < device::kHaSensors.size(); ++i) {
        const std::string name(metering::QuantityInfo(device::kHaSensors[i].id).name);
        const std::string topic =
            plan_.discovery_prefix + "/sensor/" + NodeId(m.serial) + "/" + name + "/config";
        configs += Publish(topic, HaSensorConfigJson(m, plan_, i), /*retain=*/true);
      }
    }
  }
  Log("connected, publishing " + std::to_string(meters_.size()) + " meter(s)" +
      (plan_.discovery ? ", " + std::to_string(configs) + " discovery configs" : std::string()));
  // At a reconnect at once: a subscriber that just came back sees the values now. Not at the
  // first connect, which comes before the meters' first tick: their values are not measured yet.
  if (timer_fired_) PublishStates();
}

void MqttPublisher::PublishStates() {
  if (!connected_) return;  // nothing is queued for a broker that is away: states go stale
  for (const PublishedMeter& m : meters_) {
    Publish(StateTopic(plan_, m.serial), MeterStateJson(*m.meter), plan_.retain);
  }
}

void MqttPublisher::Arm() {
  timer_.expires_after(plan_.interval);
  timer_.async_wait([this](std::error_code ec) {
    if (ec) return;
    timer_fired_ = true;
    PublishStates();
    Arm();
  });
}

bool MqttPublisher::Publish(const std::string& topic, const std::string& payload, bool retain) {
  const int rc =
      mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                        payload.data(), plan_.qos, retain);
  if (rc == MOSQ_ERR_SUCCESS) {
    failing_ = false;
    return true;
  }
  // Reported once per run of failures, not per message.
  if (!failing_) Log("publishing " + topic + " failed: " + mosquitto_strerror(rc));
  failing_ = true;
  return false;
}

}  // namespace pro380::app
