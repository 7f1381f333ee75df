#include "app/mqtt_publisher.h"

#include <asio/post.hpp>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>

#include "app/wall_clock.h"
#include "device/ha_discovery.h"
#include "device/named_setting_write.h"
#include "device/register_codec.h"
#include "device/register_names.h"
#include "metering/readings.h"
#include "web/traffic_log.h"

namespace pro380::app {
namespace {

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

Result<std::unique_ptr<MqttPublisher>> MqttPublisher::Start(
    asio::io_context& io, const MqttPublishPlan& plan, std::vector<PublishedMeter> meters,
    std::function<void()> settings_written) {
  std::unique_ptr<MqttPublisher> publisher(new MqttPublisher(io, plan, std::move(meters)));
  publisher->settings_written_ = std::move(settings_written);
  MqttConnectionOptions options{.host = plan.host,
                                .port = plan.port,
                                .tls = plan.tls,
                                .client = plan.client,
                                .client_id_suffix = "",
                                .qos = plan.qos,
                                .will_topic = publisher->AvailabilityTopic(),
                                .will_payload = std::string(kOffline),
                                .last_retry = std::chrono::seconds(30),  // away long: 2 a minute
                                .log_prefix = "mqtt publish " + plan.Url(),
                                .subscriptions = {}};
  if (plan.discovery) options.subscriptions.push_back(plan.ha_status_topic);
  if (plan.writes) options.subscriptions.push_back(plan.prefix + "/+/set");
  MqttPublisher* self = publisher.get();
  auto connection = MqttConnection::Start(
      io, std::move(options),
      {.connected = [self] { self->Connected(); },
       .lost = [] {},
       .failed = [] {},
       .message = [self](const std::string& topic, const std::string& payload,
                         bool retained) { self->Message(topic, payload, retained); }});
  if (!connection.ok()) return connection.status().WithContext("--mqtt-publish");
  publisher->connection_ = std::move(*connection);
  publisher->Arm();
  return publisher;
}

MqttPublisher::~MqttPublisher() {
  timer_.cancel();
  if (connection_ && connection_->connected()) {
    connection_->Publish(AvailabilityTopic(), std::string(kOffline), /*retain=*/true);
  }
  connection_.reset();  // sends what is queued and a DISCONNECT, joins the network thread
}

std::string MqttPublisher::Describe() const { return plan_.Describe(); }

web::InterfaceCounters MqttPublisher::Counters() const {
  const MqttConnectionCounters& c = connection_->counters();
  return {"mqtt-publish " + plan_.Url(),
          {{"connects", c.connects},
           {"connect_failures", c.connect_failures},
           {"connections_lost", c.connections_lost},
           {"states_published", states_published_},
           {"states_skipped_offline", states_skipped_offline_},
           {"discovery_configs_published", discovery_configs_published_},
           {"ha_births", ha_births_},
           {"states_dropped_queue_full", states_dropped_},
           {"queued_messages", connection_->queued()},
           {"publish_refused", c.publish_refused},
           {"settings_written", settings_written_count_},
           {"writes_refused", writes_refused_}}};
}

void MqttPublisher::Connected() {
  connection_->Publish(AvailabilityTopic(), std::string(kOnline), /*retain=*/true);
  const std::size_t configs = PublishDiscovery();
  connection_->Log(
      "connected, publishing " + std::to_string(meters_.size()) + " meter(s)" +
      (plan_.discovery ? ", " + std::to_string(configs) + " discovery configs" : std::string()));
  // At a reconnect at once: a subscriber that just came back sees the values now. Not at the
  // first connect, which comes before the meters' first tick: their values are not measured yet.
  if (timer_fired_) PublishStates();
}

std::size_t MqttPublisher::PublishDiscovery() {
  if (!plan_.discovery) return 0;
  std::size_t configs = 0;
  // Retained, so that Home Assistant finds them whenever it starts.
  for (const PublishedMeter& m : meters_) {
    for (std::size_t i = 0; i < device::kHaSensors.size(); ++i) {
      const std::string name(metering::QuantityInfo(device::kHaSensors[i].id).name);
      const std::string topic =
          plan_.discovery_prefix + "/sensor/" + NodeId(m.serial) + "/" + name + "/config";
      configs += connection_->Publish(topic, HaSensorConfigJson(m, plan_, i), /*retain=*/true);
    }
  }
  discovery_configs_published_ += configs;
  return configs;
}

void MqttPublisher::Message(const std::string& topic, const std::string& payload, bool retained) {
  if (plan_.writes) {
    for (const PublishedMeter& m : meters_) {
      if (topic == SetTopic(m.serial)) return SetMessage(m, topic, payload, retained);
    }
  }
  // Home Assistant's birth message: "online", its default payload, as it is published. A
  // retained one is what the broker kept from an earlier start: the configs of this connect
  // have just been sent, so it asks for nothing new.
  if (topic != plan_.ha_status_topic || payload != kOnline || retained) return;
  ++ha_births_;
  const std::size_t configs = PublishDiscovery();
  PublishStates();  // its sensors get their values now, not an interval later
  connection_->Log("Home Assistant is online: " + std::to_string(configs) +
                   " discovery configs and the states sent again");
}

void MqttPublisher::RefuseWrite(const std::string& topic, const std::string& why) {
  ++writes_refused_;
  connection_->Log("topic " + topic + ": " + why);
}

void MqttPublisher::SetMessage(const PublishedMeter& meter, const std::string& topic,
                               const std::string& payload, bool retained) {
  // A retained set message would be written again at every connect, long after it was meant.
  if (retained) return RefuseWrite(topic, "a retained set message is not applied");
  // Ordered: the settings are written in the message's order.
  const nlohmann::ordered_json body =
      nlohmann::ordered_json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object() || body.empty()) {
    return RefuseWrite(topic,
                       "message refused: not a JSON object of settings and numbers, e.g. "
                       "{\"tariff\": 2}");
  }
  // Each setting is written on its own, in the message's order; one refused does not stop the
  // others (as REST writes one setting a request).
  bool written = false;
  for (const auto& [name, value] : body.items()) {
    if (!value.is_number()) {
      RefuseWrite(topic, name + ": refused: the value must be a number");
      continue;
    }
    const modbus::WriteContext context{.interface = "mqtt",
                                       .client = topic,
                                       .unit_id = static_cast<uint8_t>(meter.settings->modbus_id),
                                       .now = WallNow()};
    const device::NamedWriteOutcome outcome =
        device::WriteNamedSetting(*meter.bank, name, value.get<double>(), context);
    switch (outcome.result) {
      case device::NamedWriteResult::kWritten: {
        ++settings_written_count_;
        written = true;
        char shown[32];
        std::snprintf(shown, sizeof shown, "%g", outcome.written);
        connection_->Log("topic " + topic + ": " + name + " written: " + shown);
        break;
      }
      case device::NamedWriteResult::kNoSuchSetting:
        RefuseWrite(topic, name + ": refused: no writable setting of that name (" +
                               std::string(device::kWritableSettingNames) + ")");
        break;
      case device::NamedWriteResult::kSealed:
        RefuseWrite(topic, name + ": refused: meter " + meter.serial +
                               " is sealed: every write is refused");
        break;
      case device::NamedWriteResult::kNotEncodable:
      case device::NamedWriteResult::kRefused:
        RefuseWrite(topic, name + ": refused: value " + value.dump() +
                               " not allowed or the setting is locked");
        break;
    }
  }
  if (written && settings_written_) settings_written_();
}

void MqttPublisher::PublishStates() {
  if (!connection_->connected()) {
    // Nothing is queued for a broker that is away: states go stale (docs/mqtt.md).
    states_skipped_offline_ += meters_.size();
    return;
  }
  for (const PublishedMeter& m : meters_) {
    // The hand-over bound: a broker that takes nothing (stalled, or a network that drops without
    // a reset) would otherwise grow the client's queue without end. The newest state is the one
    // dropped: libmosquitto cannot take back a message it has queued.
    if (connection_->queued() >= plan_.max_queued) {
      ++states_dropped_;
      if (!dropping_) {
        connection_->Log(std::to_string(connection_->queued()) +
                         " messages wait for the broker (max_queued " +
                         std::to_string(plan_.max_queued) + "): new states are dropped");
      }
      dropping_ = true;
      continue;
    }
    if (dropping_) connection_->Log("the broker takes messages again: states are published");
    dropping_ = false;
    states_published_ +=
        connection_->Publish(StateTopic(plan_, m.serial), MeterStateJson(*m.meter), plan_.retain);
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

}  // namespace pro380::app
