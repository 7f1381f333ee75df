#include "app/mqtt_publish_settings.h"

#include <charconv>
#include <cstdio>

#include "app/duration_arg.h"

namespace pro380::app {
namespace {

constexpr std::string_view kPublishKeys =
    "broker, prefix, interval, retain, qos, discovery, discovery_prefix, ha_status_topic, "
    "max_queued, writes, username, password, password_file, client_id, tls, ca_file, cert_file, "
    "key_file, "
    "keepalive";
constexpr std::string_view kUrlForm = "mqtt://HOST:PORT[/PREFIX] or mqtts://HOST:PORT[/PREFIX]";

struct BrokerUrl {
  std::string host;
  uint16_t port = 0;
  bool tls = false;
  std::optional<std::string> prefix;
};

// A topic prefix: levels separated by '/', none empty, no wildcard ('+', '#').
Status CheckPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.front() == '/' || prefix.back() == '/' ||
      prefix.find("//") != std::string_view::npos ||
      prefix.find_first_of("+#") != std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(prefix) +
                                   "' is not allowed; allowed values: topic levels separated by "
                                   "'/', none empty, without '+' or '#' (e.g. pro380/house)");
  }
  return Status::Ok();
}

Result<BrokerUrl> ParseBrokerUrl(std::string_view url) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(url) + "' " + why +
                                   "; allowed: " + std::string(kUrlForm));
  };
  BrokerUrl out;
  std::string_view rest;
  if (url.starts_with("mqtt://")) {
    rest = url.substr(7);
  } else if (url.starts_with("mqtts://")) {
    rest = url.substr(8);
    out.tls = true;
  } else {
    return bad("is not an MQTT URL");
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad("has no HOST:PORT");
  out.host = std::string(authority.substr(0, colon));
  const std::string_view port = authority.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return bad("has port '" + std::string(port) + "', not 1-65535");
  }
  out.port = static_cast<uint16_t>(value);
  if (slash != std::string_view::npos) {
    const std::string_view prefix = rest.substr(slash + 1);
    if (Status st = CheckPrefix(prefix); !st.ok()) return bad("has prefix " + st.message());
    out.prefix = std::string(prefix);
  }
  return out;
}

}  // namespace

std::string MqttPublishPlan::Url() const {
  return (tls ? "mqtts://" : "mqtt://") + host + ":" + std::to_string(port);
}

std::string MqttPublishPlan::Describe() const {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g s", std::chrono::duration<double>(interval).count());
  return "MQTT publishing to " + Url() + ": " + prefix + "/<serial>/state every " + seconds +
         (discovery ? ", Home Assistant discovery under " + discovery_prefix +
                          " (again at each \"online\" on " + ha_status_topic + ")"
                    : std::string()) +
         (writes ? ", settings written from " + prefix + "/<serial>/set" : std::string());
}

Result<MqttPublishConfig> ParseMqttPublishTable(const ConfigReport& report,
                                                const toml::table& table) {
  MqttPublishConfig config;
  for (const auto& entry : table) {
    // Named, not a structured binding: the lambdas below capture them (clang refuses bindings).
    const toml::key& key = entry.first;
    const toml::node& node = entry.second;
    const std::string path = "mqtt_publish." + std::string(key.str());
    const auto text = [&]() -> Result<std::string> {
      const auto* s = node.as_string();
      if (!s) return report(node.source(), path + " must be a string");
      return s->get();
    };
    const auto flag = [&]() -> Result<bool> {
      const auto* b = node.as_boolean();
      if (!b) return report(node.source(), path + " must be true or false");
      return b->get();
    };
    if (key == "broker") {
      auto url = text();
      if (!url.ok()) return url.status();
      if (auto parsed = ParseBrokerUrl(*url); !parsed.ok()) {
        return report(node.source(), path + " = " + parsed.status().message());
      }
      config.broker = *url;
    } else if (key == "prefix" || key == "discovery_prefix" || key == "ha_status_topic") {
      auto prefix = text();
      if (!prefix.ok()) return prefix.status();
      if (Status st = CheckPrefix(*prefix); !st.ok()) {
        return report(node.source(), path + " = " + st.message());
      }
      (key == "prefix"             ? config.prefix
       : key == "discovery_prefix" ? config.discovery_prefix
                                   : config.ha_status_topic) = *prefix;
    } else if (key == "interval") {
      constexpr std::string_view kAllowed =
          "allowed values: a duration from 1s to 1h (e.g. \"10s\")";
      const auto* written = node.as_string();
      if (!written)
        return report(node.source(), path + " must be a string; " + std::string(kAllowed));
      auto interval = ParseDuration(written->get());
      if (!interval.ok() || *interval < std::chrono::seconds(1) ||
          *interval > std::chrono::hours(1)) {
        return report(node.source(), path + " = \"" + written->get() + "\" is not allowed; " +
                                         std::string(kAllowed));
      }
      config.interval = *interval;
    } else if (key == "retain" || key == "discovery" || key == "writes") {
      auto value = flag();
      if (!value.ok()) return value.status();
      (key == "retain"      ? config.retain
       : key == "discovery" ? config.discovery
                            : config.writes) = *value;
    } else if (key == "qos") {
      const auto* i = node.as_integer();
      if (!i || i->get() < 0 || i->get() > 2) {
        const std::string what =
            i ? " = " + std::to_string(i->get()) + " is not allowed" : " must be an integer";
        return report(node.source(), path + what + "; allowed values: 0, 1, 2");
      }
      config.qos = static_cast<int>(i->get());
    } else if (key == "max_queued") {
      const auto* i = node.as_integer();
      if (!i || i->get() < kMinMaxQueued || i->get() > kMaxMaxQueued) {
        const std::string what =
            i ? " = " + std::to_string(i->get()) + " is not allowed" : " must be an integer";
        return report(node.source(), path + what + "; allowed values: 1..1000000 (messages)");
      }
      config.max_queued = static_cast<uint64_t>(i->get());
    } else {
      auto taken = ParseMqttClientKey(report, key.str(), node, "mqtt_publish", config.client);
      if (!taken.ok()) return taken.status();
      if (!*taken) {
        return report(key.source(),
                      path + " is not a known key; known keys: " + std::string(kPublishKeys));
      }
    }
  }
  if (Status st = CheckMqttClientSettings(report, table, "mqtt_publish", config.client); !st.ok()) {
    return st;
  }
  if (config.ha_status_topic && !config.discovery.value_or(false)) {
    return report(table.get("ha_status_topic")->source(),
                  "mqtt_publish.ha_status_topic needs mqtt_publish.discovery = true (the topic "
                  "is listened to for Home Assistant's birth message only with discovery)");
  }
  if (config.client.ca_file || config.client.cert_file) config.client.tls = true;
  return config;
}

Result<std::optional<MqttPublishPlan>> ResolveMqttPublish(
    const std::optional<std::string>& option, const std::optional<MqttPublishConfig>& file) {
  std::optional<std::string> url = option;
  if (!url && file) url = file->broker;
  if (!url) {
    if (file) {
      return Status::InvalidArgument(
          "[mqtt_publish] needs a broker: set mqtt_publish.broker or --mqtt-publish (" +
          std::string(kUrlForm) + ")");
    }
    return std::optional<MqttPublishPlan>();
  }
  auto broker = ParseBrokerUrl(*url);
  if (!broker.ok())
    return broker.status().WithContext(option ? "--mqtt-publish" : "mqtt_publish.broker");
  MqttPublishPlan plan;
  plan.host = broker->host;
  plan.port = broker->port;
  if (file) {
    plan.client = file->client;
    if (file->prefix) plan.prefix = *file->prefix;
    if (file->interval) plan.interval = *file->interval;
    if (file->retain) plan.retain = *file->retain;
    if (file->qos) plan.qos = *file->qos;
    if (file->max_queued) plan.max_queued = *file->max_queued;
    if (file->discovery) plan.discovery = *file->discovery;
    if (file->discovery_prefix) plan.discovery_prefix = *file->discovery_prefix;
    if (file->writes) plan.writes = *file->writes;
  }
  plan.ha_status_topic =
      file && file->ha_status_topic ? *file->ha_status_topic : plan.discovery_prefix + "/status";
  if (broker->prefix) plan.prefix = *broker->prefix;  // the URL's, which may be the command line's
  plan.tls = broker->tls || plan.client.tls;
  return std::optional<MqttPublishPlan>(std::move(plan));
}

Status RequirePublishedMeter(bool publishing, std::size_t own_meters) {
  if (!publishing || own_meters > 0) return Status::Ok();
  return Status::InvalidArgument(
      "[mqtt_publish] / --mqtt-publish publishes the [[meter]] meters only, and this config has "
      "none: a [[fleet]]'s meters are never published (docs/mqtt.md, \"Fleets\"); add a "
      "[[meter]] or leave publishing off");
}

}  // namespace pro380::app
