// What every libmosquitto client of pro380 shares (app/mqtt_feed.*, app/mqtt_publisher.*): the
// library's one-time init, the config's credentials and TLS applied to a client
// (app/mqtt_settings.h), and which of the library's log lines reach pro380's log.
#ifndef PRO380_APP_MQTT_CLIENT_H_
#define PRO380_APP_MQTT_CLIENT_H_

#include <string>

#include "app/mqtt_settings.h"
#include "base/status.h"

struct mosquitto;

namespace pro380::app {

// mosquitto_lib_init, once per process.
void InitMqttLibrary();

// Applies the user name and password, and TLS when `settings.tls` or `tls_from_url` (an
// mqtts:// URL): the CA file (else the system's CAs), the client certificate and key. The broker's
// certificate and host name are always verified. Errors name the setting; none names the password.
Status ApplyMqttClientSettings(mosquitto* client, const MqttClientSettings& settings,
                               bool tls_from_url);

// The client id: `settings.client_id` (plus `suffix` when not empty, so that several clients of
// one process do not drop each other at the broker), else "pro380-<pid>-<n>" unique in the process.
std::string MqttClientId(const MqttClientSettings& settings, const std::string& suffix);

// True for the library's log levels pro380 prints (errors: e.g. a TLS handshake's refusal,
// which the connect callback does not report).
bool MqttLogLevelShown(int level);

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_CLIENT_H_
