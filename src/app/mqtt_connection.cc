#include "app/mqtt_connection.h"

#include <mosquitto.h>

#include <algorithm>
#include <asio/post.hpp>
#include <cstdio>

#include "app/mqtt_client.h"

namespace pro380::app {
namespace {

constexpr std::chrono::seconds kFirstRetry{1};  // then doubling to options.last_retry
// mosquitto_loop's wait when nothing happens; a Publish or the goodbye wakes it at once (the
// client's socket pair), so this only bounds how late keep-alive pings are checked.
constexpr int kLoopTimeoutMs = 1000;

}  // namespace

MqttConnection::MqttConnection(asio::io_context& io, MqttConnectionOptions options,
                               Handlers handlers)
    : io_(io), options_(std::move(options)), handlers_(std::move(handlers)) {}

Result<std::unique_ptr<MqttConnection>> MqttConnection::Start(asio::io_context& io,
                                                              MqttConnectionOptions options,
                                                              Handlers handlers) {
  InitMqttLibrary();
  std::unique_ptr<MqttConnection> connection(
      new MqttConnection(io, std::move(options), std::move(handlers)));
  const MqttConnectionOptions& o = connection->options_;
  const std::string id = MqttClientId(o.client, o.client_id_suffix);
  connection->client_ = mosquitto_new(id.c_str(), /*clean_session=*/true, connection.get());
  mosquitto* client = connection->client_;
  if (!client) return Status::IoError("MQTT: cannot make a client");
  if (Status st = ApplyMqttClientSettings(client, o.client, o.tls); !st.ok()) return st;
  if (!o.will_topic.empty()) {
    if (const int rc = mosquitto_will_set(client, o.will_topic.c_str(),
                                          static_cast<int>(o.will_payload.size()),
                                          o.will_payload.data(), o.qos, /*retain=*/true);
        rc != MOSQ_ERR_SUCCESS) {
      return Status::InvalidArgument("MQTT topic '" + o.will_topic +
                                     "': " + mosquitto_strerror(rc));
    }
  }
  // The network thread is ours: mosquitto_publish only queues and wakes it.
  mosquitto_threaded_set(client, true);
  mosquitto_connect_callback_set(client, &MqttConnection::OnConnect);
  mosquitto_log_callback_set(client, &MqttConnection::OnLog);
  mosquitto_message_callback_set(client, &MqttConnection::OnMessage);
  mosquitto_publish_callback_set(client, &MqttConnection::OnPublish);
  connection->network_ = std::thread([c = connection.get()] { c->Run(); });
  return connection;
}

MqttConnection::~MqttConnection() {
  *alive_ = false;
  if (network_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(stop_mutex_);
      stopping_ = true;
    }
    stop_signal_.notify_all();
    // Queued after what is already queued: the network thread sends both, then the socket closes.
    mosquitto_disconnect(client_);
    network_.join();
  }
  if (client_) mosquitto_destroy(client_);
}

void MqttConnection::Log(const std::string& line) const {
  std::printf("%s: %s\n", options_.log_prefix.c_str(), line.c_str());
  std::fflush(stdout);
}

void MqttConnection::Post(std::function<void()> task) {
  asio::post(io_, [alive = alive_, task = std::move(task)] {
    if (*alive) task();
  });
}

uint64_t MqttConnection::queued() const {
  const int64_t n = queued_.load();
  return n > 0 ? static_cast<uint64_t>(n) : 0;
}

bool MqttConnection::Publish(const std::string& topic, const std::string& payload, bool retain) {
  queued_.fetch_add(1);
  const int rc =
      mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                        payload.data(), options_.qos, retain);
  if (rc == MOSQ_ERR_SUCCESS) {
    failing_ = false;
    return true;
  }
  queued_.fetch_sub(1);
  ++counters_.publish_refused;
  // Reported once per run of refusals, not per message.
  if (!failing_) Log("publishing " + topic + " failed: " + mosquitto_strerror(rc));
  failing_ = true;
  return false;
}

bool MqttConnection::WaitBeforeRetry(std::chrono::seconds delay) {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  return !stop_signal_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void MqttConnection::Run() {
  std::chrono::seconds delay = kFirstRetry;
  bool first = true;
  bool need_connect = true;
  std::chrono::steady_clock::time_point goodbye_deadline{};
  while (true) {
    if (stopping_) {
      // The goodbye: the queued messages and the DISCONNECT go out, then the socket closes.
      if (!session_up_) break;
      const auto now = std::chrono::steady_clock::now();
      if (goodbye_deadline == std::chrono::steady_clock::time_point{}) {
        goodbye_deadline = now + kGoodbye;
      } else if (now >= goodbye_deadline) {
        break;
      }
    }
    if (need_connect) {
      refused_ = false;
      // The reconnect frees the packets still queued (QoS 0 ones are gone for good; QoS 1 and 2
      // messages are kept and sent again, and acknowledged then).
      if (options_.qos == 0) queued_.store(0);
      const int rc = first ? mosquitto_connect_async(client_, options_.host.c_str(), options_.port,
                                                     options_.client.keepalive_s)
                           : mosquitto_reconnect_async(client_);
      first = false;
      if (rc != MOSQ_ERR_SUCCESS) {
        // E.g. nothing listens (MOSQ_ERR_ERRNO), a TLS handshake refused (MOSQ_ERR_TLS; the
        // library's log line says why).
        const std::string why = mosquitto_strerror(rc);  // now: errno is this thread's
        Post([this, why, delay] {
          ++counters_.connect_failures;
          Log("cannot connect (" + why + "), retrying in " + std::to_string(delay.count()) + " s");
          if (handlers_.failed) handlers_.failed();
        });
        if (!WaitBeforeRetry(delay)) break;
        delay = std::min(delay * 2, options_.last_retry);
        continue;
      }
      need_connect = false;
    }
    const int rc = mosquitto_loop(client_, kLoopTimeoutMs, 1);
    if (rc == MOSQ_ERR_SUCCESS) {
      if (session_up_) delay = kFirstRetry;
      continue;
    }
    if (stopping_) break;
    need_connect = true;
    if (session_up_) {
      session_up_ = false;
      delay = kFirstRetry;
      const std::string why = mosquitto_strerror(rc);
      Post([this, why] {
        ++counters_.connections_lost;
        connected_ = false;
        Log("connection lost (" + why + "), retrying");
        if (handlers_.lost) handlers_.lost();
      });
    } else {
      const std::string why = mosquitto_strerror(rc);
      Post([this, why, delay, refused = refused_] {
        ++counters_.connect_failures;
        // A refusal was logged with the broker's reason when its CONNACK came.
        if (!refused) {
          Log("cannot connect (" + why + "), retrying in " + std::to_string(delay.count()) + " s");
        }
        if (handlers_.failed) handlers_.failed();
      });
    }
    if (!WaitBeforeRetry(delay)) break;
    delay = std::min(delay * 2, options_.last_retry);
  }
}

void MqttConnection::OnConnect(mosquitto*, void* self, int rc) {
  auto* connection = static_cast<MqttConnection*>(self);
  if (rc == 0) {
    connection->session_up_ = true;
    for (const std::string& topic : connection->options_.subscriptions) {
      if (const int sub = mosquitto_subscribe(connection->client_, nullptr, topic.c_str(),
                                              connection->options_.qos);
          sub != MOSQ_ERR_SUCCESS) {
        connection->Post([connection, topic, why = std::string(mosquitto_strerror(sub))] {
          connection->Log("cannot subscribe to " + topic + ": " + why);
        });
      }
    }
    connection->Post([connection] {
      ++connection->counters_.connects;
      connection->connected_ = true;
      if (connection->handlers_.connected) connection->handlers_.connected();
    });
    return;
  }
  connection->refused_ = true;
  connection->Post([connection, rc] {
    connection->Log("the broker refused the connection: " +
                    std::string(mosquitto_connack_string(rc)) + ", retrying");
  });
}

void MqttConnection::OnMessage(mosquitto*, void* self, const mosquitto_message* message) {
  auto* connection = static_cast<MqttConnection*>(self);
  if (!message || !message->topic) return;
  std::string payload;
  if (message->payload && message->payloadlen > 0) {
    payload.assign(static_cast<const char*>(message->payload),
                   static_cast<std::size_t>(message->payloadlen));
  }
  connection->Post([connection, topic = std::string(message->topic), payload = std::move(payload),
                    retained = message->retain] {
    if (connection->handlers_.message) connection->handlers_.message(topic, payload, retained);
  });
}

void MqttConnection::OnPublish(mosquitto*, void* self, int) {
  static_cast<MqttConnection*>(self)->queued_.fetch_sub(1);
}

void MqttConnection::OnLog(mosquitto*, void* self, int level, const char* text) {
  if (!MqttLogLevelShown(level) || !text) return;
  auto* connection = static_cast<MqttConnection*>(self);
  connection->Post([connection, line = std::string(text)] { connection->Log("client: " + line); });
}

}  // namespace pro380::app
