#include "app/mqtt_feed.h"

#include <mosquitto.h>

#include <asio/post.hpp>
#include <cstdio>
#include <utility>

#include "app/mqtt_client.h"

namespace pro380::app {
namespace {

constexpr unsigned kFirstRetryS = 1;  // then doubling
constexpr unsigned kLastRetryS = 10;  // a house feed should come back fast; a retry costs little

}  // namespace

MqttFeed::MqttFeed(asio::io_context& io, const source::LiveSpec& spec, LiveSourcePort& port,
                   std::string log_prefix)
    : io_(io), spec_(spec), port_(port), log_prefix_(std::move(log_prefix)) {}

Result<std::unique_ptr<MqttFeed>> MqttFeed::Start(asio::io_context& io,
                                                  const source::LiveSpec& spec,
                                                  const MqttClientSettings& settings,
                                                  LiveSourcePort& port, std::string log_prefix,
                                                  const std::string& id_suffix) {
  InitMqttLibrary();
  std::unique_ptr<MqttFeed> feed(new MqttFeed(io, spec, port, std::move(log_prefix)));
  // A client id of its own per process and meter: a broker drops an older client of the same id.
  const std::string id = MqttClientId(settings, id_suffix);
  feed->client_ = mosquitto_new(id.c_str(), /*clean_session=*/true, feed.get());
  if (!feed->client_) return Status::IoError("MQTT: cannot make a client (out of memory)");
  if (Status st = ApplyMqttClientSettings(feed->client_, settings, spec.tls); !st.ok()) {
    return st.WithContext("source " + port.spec());
  }
  mosquitto_log_callback_set(feed->client_, &MqttFeed::OnLog);
  mosquitto_connect_callback_set(feed->client_, &MqttFeed::OnConnect);
  mosquitto_disconnect_callback_set(feed->client_, &MqttFeed::OnDisconnect);
  mosquitto_message_callback_set(feed->client_, &MqttFeed::OnMessage);
  mosquitto_reconnect_delay_set(feed->client_, kFirstRetryS, kLastRetryS, /*exponential=*/true);
  const int rc =
      mosquitto_connect_async(feed->client_, spec.host.c_str(), spec.port, settings.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    // Not fatal: the client thread retries (the broker may start after us).
    feed->Log("cannot reach the broker yet (" + std::string(mosquitto_strerror(rc)) +
              "), retrying");
  }
  if (const int loop = mosquitto_loop_start(feed->client_); loop != MOSQ_ERR_SUCCESS) {
    return Status::IoError("MQTT: cannot start the client thread: " +
                           std::string(mosquitto_strerror(loop)));
  }
  return feed;
}

MqttFeed::~MqttFeed() {
  if (!client_) return;
  mosquitto_disconnect(client_);
  mosquitto_loop_stop(client_, /*force=*/false);  // joins the client thread: no post after it
  mosquitto_destroy(client_);
}

void MqttFeed::Log(const std::string& line) const {
  std::printf("%ssource %s: %s\n", log_prefix_.c_str(), port_.spec().c_str(), line.c_str());
  std::fflush(stdout);
}

void MqttFeed::OnConnect(mosquitto* client, void* self, int rc) {
  auto* feed = static_cast<MqttFeed*>(self);
  if (rc == 0) {
    // Subscribed at every connect: a clean session forgets subscriptions with the connection.
    const int sub = mosquitto_subscribe(client, nullptr, feed->spec_.topic.c_str(), /*qos=*/0);
    asio::post(feed->io_, [feed, sub] {
      ++feed->connects_;
      feed->port_.SetFeedCounter("connects", feed->connects_);
      feed->Log(sub == MOSQ_ERR_SUCCESS
                    ? "connected, subscribed to " + feed->spec_.topic
                    : "connected, but subscribing failed: " + std::string(mosquitto_strerror(sub)));
    });
    return;
  }
  asio::post(feed->io_, [feed, rc] {
    feed->Log("the broker refused the connection: " + std::string(mosquitto_connack_string(rc)) +
              ", retrying");
  });
}

void MqttFeed::OnDisconnect(mosquitto*, void* self, int rc) {
  auto* feed = static_cast<MqttFeed*>(self);
  if (rc == 0) return;  // our own disconnect at the stop
  asio::post(feed->io_, [feed, rc] {
    ++feed->disconnects_;
    feed->port_.SetFeedCounter("disconnects", feed->disconnects_);
    feed->Log("connection lost (" + std::string(mosquitto_strerror(rc)) + "), retrying");
  });
}

void MqttFeed::OnMessage(mosquitto*, void* self, const mosquitto_message* message) {
  auto* feed = static_cast<MqttFeed*>(self);
  std::string topic = message->topic ? message->topic : "";
  std::string payload(static_cast<const char*>(message->payload),
                      message->payload ? static_cast<size_t>(message->payloadlen) : 0);
  asio::post(feed->io_, [feed, topic = std::move(topic), payload = std::move(payload)] {
    feed->Take(topic, payload);
  });
}

void MqttFeed::OnLog(mosquitto*, void* self, int level, const char* text) {
  if (!MqttLogLevelShown(level) || !text) return;
  auto* feed = static_cast<MqttFeed*>(self);
  asio::post(feed->io_, [feed, line = std::string(text)] { feed->Log("client: " + line); });
}

void MqttFeed::Take(const std::string& topic, const std::string& payload) {
  if (Status st = port_.Take(payload); !st.ok()) {
    Log("topic " + topic + ": message refused: " + st.message());
  }
}

}  // namespace pro380::app
