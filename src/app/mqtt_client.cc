#include "app/mqtt_client.h"

#include <mosquitto.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace pro380::app {
namespace {

constexpr const char* kSystemCaDirectory = "/etc/ssl/certs";

}  // namespace

void InitMqttLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

Status ApplyMqttClientSettings(mosquitto* client, const MqttClientSettings& settings,
                               bool tls_from_url) {
  if (settings.username) {
    const int rc =
        mosquitto_username_pw_set(client, settings.username->c_str(),
                                  settings.password ? settings.password->c_str() : nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::InvalidArgument("MQTT username/password: " +
                                     std::string(mosquitto_strerror(rc)));
    }
  }
  if (!settings.tls && !tls_from_url) return Status::Ok();
  const auto c_str = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
  // No CA file: the broker's certificate is checked against the system's CAs (Debian's
  // ca-certificates directory; libmosquitto 2.0.11 wants a file or a directory).
  const int rc = mosquitto_tls_set(client, c_str(settings.ca_file),
                                   settings.ca_file ? nullptr : kSystemCaDirectory,
                                   c_str(settings.cert_file), c_str(settings.key_file), nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    return Status::InvalidArgument(
        "MQTT TLS (ca_file, cert_file, key_file): " + std::string(mosquitto_strerror(rc)) +
        (rc == MOSQ_ERR_TLS ? " (a key that does not match its certificate, or not PEM?)" : ""));
  }
  return Status::Ok();
}

std::string MqttClientId(const MqttClientSettings& settings, const std::string& suffix) {
  if (settings.client_id) {
    return suffix.empty() ? *settings.client_id : *settings.client_id + "-" + suffix;
  }
  static std::atomic<uint64_t> next_client{0};
  return "pro380-" + std::to_string(getpid()) + "-" + std::to_string(next_client++);
}

bool MqttLogLevelShown(int level) { return (level & MOSQ_LOG_ERR) != 0; }

}  // namespace pro380::app
