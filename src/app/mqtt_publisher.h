// MqttPublisher: publishes the meters' quantities to an MQTT broker (docs/mqtt.md), off unless
// `--mqtt-publish` or `[mqtt_publish]` names a broker. Per meter one JSON state message
// (`<prefix>/<serial>/state`, the canonical quantity names with the values the REST API shows)
// every interval, the first one interval after the start; the process's availability
// (`<prefix>/availability`: "online", and "offline" as the client's last will and at a clean stop,
// retained); with discovery, Home Assistant's retained sensor configs (device/ha_discovery.h) at
// every connect and again, with the states, whenever Home Assistant's birth message ("online" on
// its status topic, not a retained one) says it has started. With `writes`, settings published as
// a JSON object to `<prefix>/<serial>/set` are written through the meter's register bank, as a
// REST write is (docs/mqtt.md "Setting writes").
//
// Threads: the client runs on its own network thread (app/mqtt_connection.h), which only posts to
// the meters' Asio loop. The states are built on the loop (the meters are read there, between
// ticks) and handed to the client, which copies the payload into its queue and returns without
// waiting for the network. Reconnects with back-off (1 s doubling to 30 s), every failure logged
// and counted (Counters: /api/v1/counters and /metrics).
//
// Thread safety: construct, Start and destroy on the loop's thread.
#ifndef PRO380_APP_MQTT_PUBLISHER_H_
#define PRO380_APP_MQTT_PUBLISHER_H_

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/meter_options.h"
#include "app/mqtt_connection.h"
#include "app/mqtt_publish_settings.h"
#include "base/status.h"
#include "device/device_settings.h"
#include "device/pro380_register_bank.h"
#include "metering/meter.h"
#include "web/meter_gateway.h"

namespace pro380::app {

struct PublishedMeter {
  std::string serial;
  std::string model;  // "PRO380-Mod", for Home Assistant's device block
  const metering::Meter* meter = nullptr;
  // Setting writes go through it (with `writes`); its change sink logs and saves them.
  device::Pro380RegisterBank* bank = nullptr;
  const device::DeviceSettings* settings = nullptr;  // the Modbus ID for the write's context
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
  // `settings_written` runs after an accepted setting write (RTU lines follow their meter).
  static Result<std::unique_ptr<MqttPublisher>> Start(asio::io_context& io,
                                                      const MqttPublishPlan& plan,
                                                      std::vector<PublishedMeter> meters,
                                                      std::function<void()> settings_written = {});
  ~MqttPublisher();  // "offline" (retained) and a clean disconnect
  MqttPublisher(const MqttPublisher&) = delete;
  MqttPublisher& operator=(const MqttPublisher&) = delete;

  std::string Describe() const;  // the start line
  // The connection's and the publisher's counters, as the web's interface counters
  // ("mqtt-publish mqtt://127.0.0.1:1883": connects, connect_failures, …).
  web::InterfaceCounters Counters() const;

 private:
  MqttPublisher(asio::io_context& io, const MqttPublishPlan& plan,
                std::vector<PublishedMeter> meters);
  // On the loop thread.
  void Connected();
  std::size_t PublishDiscovery();  // the configs handed over
  void Message(const std::string& topic, const std::string& payload, bool retained);
  // A message on `<prefix>/<serial>/set` of one of the meters (with `writes`).
  void SetMessage(const PublishedMeter& meter, const std::string& topic, const std::string& payload,
                  bool retained);
  void RefuseWrite(const std::string& topic, const std::string& why);
  void PublishStates();
  void Arm();
  std::string SetTopic(const std::string& serial) const {
    return plan_.prefix + "/" + serial + "/set";
  }
  std::string AvailabilityTopic() const { return plan_.prefix + "/availability"; }

  asio::io_context& io_;
  MqttPublishPlan plan_;
  std::vector<PublishedMeter> meters_;
  std::function<void()> settings_written_;
  asio::steady_timer timer_;
  std::unique_ptr<MqttConnection> connection_;
  bool timer_fired_ = false;  // one interval has passed: the meters have run (loop thread)
  uint64_t states_published_ = 0;
  uint64_t discovery_configs_published_ = 0;
  uint64_t states_skipped_offline_ = 0;  // due while not connected: never queued
  uint64_t ha_births_ = 0;               // Home Assistant's "online" messages taken
  uint64_t states_dropped_ = 0;          // due while max_queued messages waited: dropped
  bool dropping_ = false;                // the last state due was dropped (logged once a run)
  uint64_t settings_written_count_ = 0;  // settings of set messages written
  uint64_t writes_refused_ = 0;          // set messages or their settings refused
};

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_PUBLISHER_H_
