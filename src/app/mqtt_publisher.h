// MqttPublisher: publishes the meters' quantities to an MQTT broker (docs/mqtt.md), off unless
// `--mqtt-publish` or `[mqtt_publish]` names a broker. Per meter one JSON state message
// (`<prefix>/<serial>/state`, the canonical quantity names with the values the REST API shows)
// every interval, the first one interval after the start; the process's availability
// (`<prefix>/availability`: "online", and "offline" as the client's last will and at a clean stop,
// retained); with discovery, Home Assistant's retained sensor configs (device/ha_discovery.h) at
// every connect.
//
// Threads: libmosquitto runs its own network thread (mosquitto_loop_start), which only posts to
// the meters' Asio loop. The states are built on the loop (the meters are read there, between
// ticks) and handed to mosquitto_publish, which copies the payload into the client's queue and
// returns without waiting for the network. Reconnects with back-off (1 s doubling to 30 s).
//
// Thread safety: construct, Start and destroy on the loop's thread.
#ifndef PRO380_APP_MQTT_PUBLISHER_H_
#define PRO380_APP_MQTT_PUBLISHER_H_

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/meter_options.h"
#include "app/mqtt_publish_settings.h"
#include "base/status.h"
#include "metering/meter.h"

struct mosquitto;

namespace pro380::app {

struct PublishedMeter {
  std::string serial;
  std::string model;  // "PRO380-Mod", for Home Assistant's device block
  const metering::Meter* meter = nullptr;
};

// The state message of one meter: every canonical quantity with the value the REST API shows
// (quantized as its register), and the meter's time.
std::string MeterStateJson(const metering::Meter& meter);

// Home Assistant's discovery config of one sensor (device/ha_discovery.h) of `meter`.
std::string HaSensorConfigJson(const PublishedMeter& meter, const MqttPublishPlan& plan,
                               std::size_t sensor_index);

class MqttPublisher {
 public:
  // Starts the client; a broker that is not there yet is retried. Errors: the client cannot be
  // made, or its TLS files are refused.
  static Result<std::unique_ptr<MqttPublisher>> Start(asio::io_context& io,
                                                      const MqttPublishPlan& plan,
                                                      std::vector<PublishedMeter> meters);
  ~MqttPublisher();  // "offline" (retained) and a clean disconnect
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  std::string Describe() const;  // the start line

 private:
  MqttPublisher(asio::io_context& io, const MqttPublishPlan& plan,
                std::vector<PublishedMeter> meters);
  // libmosquitto's callbacks (client thread): they only post.
  static void OnConnect(mosquitto* client, void* self, int rc);
  static void OnDisconnect(mosquitto* client, void* self, int rc);
  static void OnLog(mosquitto* client, void* self, int level, const char* text);
  // On the loop thread.
  void Connected();
  void PublishStates();
  void Arm();
  bool Publish(const std::string& topic, const std::string& payload, bool retain);
  void Log(const std::string& line) const;
  std::string AvailabilityTopic() const { return plan_.prefix + "/availability"; }

  asio::io_context& io_;
  MqttPublishPlan plan_;
  std::vector<PublishedMeter> meters_;
  asio::steady_timer timer_;
  mosquitto* client_ = nullptr;
  bool connected_ = false;    // loop thread
  bool failing_ = false;      // the last publish was refused by the client (loop thread)
  bool timer_fired_ = false;  // one interval has passed: the meters have run (loop thread)
};

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_PUBLISHER_H_
