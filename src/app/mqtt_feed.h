// MqttFeed: the feed of one meter's `mqtt://HOST:PORT/TOPIC` source (docs/sources.md, "The
// mqtt source"). A libmosquitto client runs on its own thread (mosquitto_loop_start): it
// subscribes to the topic at every connect, reconnects with back-off (1 s doubling to 10 s) and
// posts every message, copied, to the meters' Asio loop. There the message is parsed and taken by
// the meter's LiveSourcePort; a refusal is logged with its topic. No meter is touched off the
// loop thread.
//
// Thread safety: construct, Start and destroy on the loop's thread; the client thread only posts.
#ifndef PRO380_APP_MQTT_FEED_H_
#define PRO380_APP_MQTT_FEED_H_

#include <asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "app/live_source_port.h"
#include "app/mqtt_settings.h"
#include "base/status.h"
#include "source/live_spec.h"

struct mosquitto;
struct mosquitto_message;

namespace pro380::app {

class MqttFeed {
 public:
  // Starts the client; a broker that is not there yet is retried (the meter answers meanwhile,
  // waiting for values). Errors only when the client cannot be made at all.
  // `log_prefix` precedes its log lines ("00000002 " with several meters, else ""); `settings`
  // are the config's [mqtt] (credentials, TLS; app/mqtt_settings.h), `id_suffix` makes a
  // configured client id unique per meter ("" with one meter). Errors: bad TLS files.
  static Result<std::unique_ptr<MqttFeed>> Start(asio::io_context& io, const source::LiveSpec& spec,
                                                 const MqttClientSettings& settings,
                                                 LiveSourcePort& port, std::string log_prefix,
                                                 const std::string& id_suffix);
  ~MqttFeed();
  MqttFeed(const MqttFeed&) = delete;
  MqttFeed& operator=(const MqttFeed&) = delete;

 private:
  MqttFeed(asio::io_context& io, const source::LiveSpec& spec, LiveSourcePort& port,
           std::string log_prefix);
  // libmosquitto's callbacks (client thread).
  static void OnConnect(mosquitto* client, void* self, int rc);
  static void OnDisconnect(mosquitto* client, void* self, int rc);
  static void OnMessage(mosquitto* client, void* self, const mosquitto_message* message);
  static void OnLog(mosquitto* client, void* self, int level, const char* text);
  // On the loop thread.
  void Take(const std::string& topic, const std::string& payload);
  void Log(const std::string& line) const;

  asio::io_context& io_;
  source::LiveSpec spec_;
  LiveSourcePort& port_;
  std::string log_prefix_;
  mosquitto* client_ = nullptr;
  uint64_t connects_ = 0;     // loop thread
  uint64_t disconnects_ = 0;  // loop thread
};

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_FEED_H_
