// MqttConnection: one libmosquitto client kept connected to a broker by a network thread of our
// own, for the MQTT publisher (app/mqtt_publisher.*, docs/mqtt.md "Connection") and the mqtt://
// live source (app/mqtt_feed.*, docs/sources.md "The mqtt source").
//
// Why not mosquitto_loop_start: libmosquitto 2.0's own thread gives up for good after a TLS
// handshake fails (a broker whose certificate the CA does not sign: one retry, then the thread
// ends), and reports such a failure only as a log line. Our thread retries every failure with
// back-off (1 s doubling to 30 s), and tells each attempt's outcome, so that every failed connect
// is logged and counted.
//
// Threads: the network thread runs mosquitto_loop and the (re)connects; it only posts to the Asio
// loop (the handlers and the log lines run there). Publish is called on the loop's thread:
// mosquitto_publish copies the message into the client's queue (mosquitto_threaded_set: the
// network thread writes it) and returns without waiting for the network.
//
// Thread safety: construct, Publish, counters and destroy on the loop's thread.
#ifndef PRO380_APP_MQTT_CONNECTION_H_
#define PRO380_APP_MQTT_CONNECTION_H_

#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/mqtt_settings.h"
#include "base/status.h"

struct mosquitto;
struct mosquitto_message;

namespace pro380::app {

struct MqttConnectionOptions {
  std::string host;
  uint16_t port = 0;
  bool tls = false;  // mqtts:// (or the settings' own `tls`)
  MqttClientSettings client;
  // Appended to a configured client id ("" for none), so that several clients of one process do
  // not drop each other at the broker (app/mqtt_client.h MqttClientId).
  std::string client_id_suffix;
  int qos = 0;  // of every message and subscription, the will's too
  // The last will: published by the broker when the connection dies without a goodbye. None
  // when the topic is empty.
  std::string will_topic, will_payload;
  // The longest wait between two connect attempts (the first is 1 s, then doubling).
  std::chrono::seconds last_retry{30};
  std::string log_prefix;  // "mqtt publish mqtt://127.0.0.1:1883"
  // Subscribed at every connect (the broker forgets them with the session).
  std::vector<std::string> subscriptions;
};

// What happened on the connection since the start (loop thread).
struct MqttConnectionCounters {
  uint64_t connects = 0;          // sessions the broker accepted
  uint64_t connect_failures = 0;  // attempts that failed: network, TLS, refused by the broker
  uint64_t connections_lost = 0;  // accepted sessions that ended without our goodbye
  uint64_t publish_refused = 0;   // messages mosquitto_publish did not take
};

class MqttConnection {
 public:
  struct Handlers {
    std::function<void()> connected;  // a session the broker accepted (loop thread)
    std::function<void()> lost;       // that session ended (loop thread)
    std::function<void()> failed;     // an attempt to connect failed, counted (loop thread)
    // A message on a subscribed topic (loop thread); `retained`: the broker kept it from before
    // the subscription, rather than passing it on as it was published.
    std::function<void(const std::string& topic, const std::string& payload, bool retained)>
        message;
  };

  // Makes the client and starts the network thread, which connects (a broker that is not there
  // yet is retried). Errors: the client cannot be made, its TLS files are refused, the will's
  // topic is not valid.
  static Result<std::unique_ptr<MqttConnection>> Start(asio::io_context& io,
                                                       MqttConnectionOptions options,
                                                       Handlers handlers);
  // Sends what is queued and a DISCONNECT (at most kGoodbye), then joins the network thread: no
  // post after it.
  ~MqttConnection();
  MqttConnection(const MqttConnection&) = delete;
  MqttConnection& operator=(const MqttConnection&) = delete;

  // Hands a message to the client. False when the client refuses it (not connected, out of
  // memory), counted and logged once per run of refusals.
  bool Publish(const std::string& topic, const std::string& payload, bool retain);
  bool connected() const { return connected_; }
  // Messages handed to the client and not yet sent: QoS 0 not yet written to the socket, QoS 1
  // and 2 not yet acknowledged by the broker (libmosquitto's on_publish). The hand-over bound of
  // the publisher (docs/mqtt.md "A slow or stalled broker") is measured with it.
  uint64_t queued() const;
  const MqttConnectionCounters& counters() const { return counters_; }
  void Log(const std::string& line) const;

  static constexpr std::chrono::seconds kGoodbye{2};

 private:
  MqttConnection(asio::io_context& io, MqttConnectionOptions options, Handlers handlers);
  void Run();  // the network thread
  // Waits `delay` or until the stop; false at the stop.
  bool WaitBeforeRetry(std::chrono::seconds delay);
  void Post(std::function<void()> task);
  // libmosquitto's callbacks (network thread).
  static void OnConnect(mosquitto* client, void* self, int rc);
  static void OnLog(mosquitto* client, void* self, int level, const char* text);
  static void OnMessage(mosquitto* client, void* self, const mosquitto_message* message);
  static void OnPublish(mosquitto* client, void* self, int mid);

  asio::io_context& io_;
  MqttConnectionOptions options_;
  Handlers handlers_;
  mosquitto* client_ = nullptr;
  std::thread network_;
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  std::atomic<bool> stopping_{false};
  // False once destroyed: a task posted before and run after (the loop running on) does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Publish adds one before handing a message over (and takes it back if refused), on_publish
  // takes one; a reconnect drops the QoS 0 queue (libmosquitto frees the packets without
  // on_publish) and sets it to 0. Signed: on_publish may come before Publish's add is seen.
  std::atomic<int64_t> queued_{0};
  // Network thread only.
  bool session_up_ = false;  // CONNACK accepted, socket not yet closed
  bool refused_ = false;     // the broker's CONNACK refused the current attempt (logged then)
  // Loop thread only.
  bool connected_ = false;
  bool failing_ = false;  // the last Publish was refused
  MqttConnectionCounters counters_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MQTT_CONNECTION_H_
