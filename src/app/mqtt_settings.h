// How pro380's MQTT clients log in and secure their connection (docs/config.md, "[mqtt]"):
// credentials, client id, TLS files and keep-alive, parsed from the config file's `[mqtt]` table
// (the `mqtt://` sources' clients) and `[mqtt_publish]` table (the publisher, app/mqtt_publish_*).
// Files are checked when the config is read: a missing CA file is a bad config (exit 2), not a
// client that silently fails to connect later. The password is never part of a message.
#ifndef PRO380_APP_MQTT_SETTINGS_H_
#define PRO380_APP_MQTT_SETTINGS_H_

#include <optional>
#include <string>
#include <string_view>

#include "app/fleet_config.h"  // ConfigReport and toml++ as run_config.cc takes it
#include "base/status.h"

namespace pro380::app {

inline constexpr int kDefaultMqttKeepAliveS = 30;

struct MqttClientSettings {
  std::optional<std::string> username;
  std::optional<std::string> password;  // from `password` or `password_file`; never logged
  std::optional<std::string> client_id;
  // TLS is on when `tls = true`, a TLS file is set, or the URL is mqtts:// (the caller's).
  bool tls = false;
  std::optional<std::string> ca_file, cert_file, key_file;
  int keepalive_s = kDefaultMqttKeepAliveS;
};

// The keys ParseMqttClientKey takes, for "known keys" messages.
inline constexpr std::string_view kMqttClientKeys =
    "username, password, password_file, client_id, tls, ca_file, cert_file, key_file, keepalive";

// Takes `key` of a table named `table_path` into `settings` when it is a client key: true if
// taken, false if it is not a client key; an error names the key and the allowed values.
Result<bool> ParseMqttClientKey(const ConfigReport& report, std::string_view key,
                                const toml::node& node, const std::string& table_path,
                                MqttClientSettings& settings);

// The checks across keys once a table is read (a password needs a username, a client
// certificate needs its key, `tls = false` with a TLS file).
Status CheckMqttClientSettings(const ConfigReport& report, const toml::table& table,
                               const std::string& table_path, const MqttClientSettings& settings);

// The `[mqtt]` table: the client settings of every `mqtt://` source.
Result<MqttClientSettings> ParseMqttTable(const ConfigReport& report, const toml::table& table);

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_SETTINGS_H_
