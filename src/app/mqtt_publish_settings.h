// What `pro380 run` publishes over MQTT (docs/mqtt.md): the config's `[mqtt_publish]` table and
// `--mqtt-publish mqtt[s]://HOST:PORT[/PREFIX]`, resolved (command line > file > default) into
// one plan. Publishing is off unless one of them names a broker.
#ifndef PRO380_APP_MQTT_PUBLISH_SETTINGS_H_
#define PRO380_APP_MQTT_PUBLISH_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/mqtt_settings.h"
#include "base/status.h"
#include "base/time.h"

namespace pro380::app {

inline constexpr std::string_view kDefaultPublishPrefix = "pro380";
inline constexpr std::string_view kDefaultDiscoveryPrefix = "homeassistant";
inline constexpr uint64_t kDefaultMaxQueued = 1000;
inline constexpr int64_t kMinMaxQueued = 1;
inline constexpr int64_t kMaxMaxQueued = 1000000;

// The `[mqtt_publish]` table as written (every key optional).
struct MqttPublishConfig {
  std::optional<std::string> broker;  // mqtt[s]://HOST:PORT[/PREFIX]
  std::optional<std::string> prefix, discovery_prefix, ha_status_topic;
  std::optional<Duration> interval;
  std::optional<bool> retain, discovery, writes;
  std::optional<int> qos;
  std::optional<uint64_t> max_queued;
  MqttClientSettings client;
};

struct MqttPublishPlan {
  std::string host;
  uint16_t port = 0;
  bool tls = false;  // mqtts:// or the client settings' TLS
  std::string prefix{kDefaultPublishPrefix};
  Duration interval = std::chrono::seconds(10);
  bool retain = false;
  int qos = 0;
  // At most this many messages handed to the client and not yet sent; a state due beyond it is
  // dropped and counted (docs/mqtt.md "A slow or stalled broker").
  uint64_t max_queued = kDefaultMaxQueued;
  bool discovery = false;
  std::string discovery_prefix{kDefaultDiscoveryPrefix};
  // Where Home Assistant says "online" when it starts (its birth message): the configs are sent
  // again then. Default: `<discovery_prefix>/status`, Home Assistant's own default.
  std::string ha_status_topic;
  // Settings written by a JSON object published to `<prefix>/<serial>/set` (docs/mqtt.md
  // "Setting writes"). Off by default: whoever may publish to the broker could change a meter.
  bool writes = false;
  MqttClientSettings client;

  std::string Url() const;  // "mqtt://127.0.0.1:1883" (no prefix, no credentials)
  // The start line (and `run --check`'s): "MQTT publishing to mqtt://127.0.0.1:1883:
  // pro380/<serial>/state every 10 s[, Home Assistant discovery under homeassistant (again at
  // each "online" on homeassistant/status)][, settings written from pro380/<serial>/set]".
  std::string Describe() const;
};

// The `[mqtt_publish]` table. Errors: InvalidArgument "FILE:LINE: mqtt_publish.KEY ...".
Result<MqttPublishConfig> ParseMqttPublishTable(const ConfigReport& report,
                                                const toml::table& table);

// `--mqtt-publish` (`option`, may be unset) over the file's table (may be unset): nullopt when
// neither names a broker; a table without a broker and no option is an error.
Result<std::optional<MqttPublishPlan>> ResolveMqttPublish(
    const std::optional<std::string>& option, const std::optional<MqttPublishConfig>& file);

// Only the [[meter]] meters are published, never a [[fleet]]'s (docs/mqtt.md, "Fleets"):
// publishing with none of them (`own_meters` = 0) is an error naming [mqtt_publish].
Status RequirePublishedMeter(bool publishing, std::size_t own_meters);

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_PUBLISH_SETTINGS_H_
