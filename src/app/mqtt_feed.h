// MqttFeed: the feed of one meter's `mqtt://HOST:PORT/TOPIC` source (docs/sources.md, "The
// mqtt source"). An MqttConnection (app/mqtt_connection.h) keeps the client connected on its own
// network thread: it subscribes to the topic at every connect, retries every failed connect, TLS
// handshakes included, with back-off (1 s doubling to 10 s) and posts every message, copied, to
// the meters' Asio loop. There the message is parsed and taken by the meter's LiveSourcePort; a
// refusal is logged with its topic. No meter is touched off the loop thread.
//
// Thread safety: construct, Start and destroy on the loop's thread.
#ifndef PRO380_APP_MQTT_FEED_H_
#define PRO380_APP_MQTT_FEED_H_

#include <asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "app/live_source_port.h"
#include "app/mqtt_connection.h"
#include "app/mqtt_settings.h"
#include "base/status.h"
#include "source/live_spec.h"

namespace pro380::app {

class MqttFeed {
 public:
  // A house feed should come back fast, and a retry costs one connect.
  static constexpr std::chrono::seconds kLastRetry{10};

  // Starts the client; a broker that is not there yet is retried (the meter answers meanwhile,
  // waiting for values). `log_prefix` precedes its log lines ("00000002 " with several meters,
  // else ""); `settings` are the config's [mqtt] (credentials, TLS; app/mqtt_settings.h),
  // `id_suffix` makes a configured client id unique per meter ("" with one meter). Errors: the
  // client cannot be made, bad TLS files.
  static Result<std::unique_ptr<MqttFeed>> Start(asio::io_context& io, const source::LiveSpec& spec,
                                                 const MqttClientSettings& settings,
                                                 LiveSourcePort& port, std::string log_prefix,
                                                 const std::string& id_suffix);
  MqttFeed(const MqttFeed&) = delete;
  MqttFeed& operator=(const MqttFeed&) = delete;

 private:
  explicit MqttFeed(LiveSourcePort& port) : port_(port) {}
  // On the loop thread, from the connection's handlers.
  void Take(const std::string& topic, const std::string& payload);
  void ShowCounters();

  LiveSourcePort& port_;
  std::unique_ptr<MqttConnection> connection_;  // last: its thread stops before the rest goes
};

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_FEED_H_
