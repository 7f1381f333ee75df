#include "app/mqtt_feed.h"

#include <utility>

namespace pro380::app {

Result<std::unique_ptr<MqttFeed>> MqttFeed::Start(asio::io_context& io,
                                                  const source::LiveSpec& spec,
                                                  const MqttClientSettings& settings,
                                                  LiveSourcePort& port, std::string log_prefix,
                                                  const std::string& id_suffix) {
  std::unique_ptr<MqttFeed> feed(new MqttFeed(port));
  MqttConnectionOptions options;
  options.host = spec.host;
  options.port = spec.port;
  options.tls = spec.tls;
  options.client = settings;
  options.client_id_suffix = id_suffix;
  options.log_prefix = log_prefix + "source " + port.spec();
  options.subscriptions = {spec.topic};
  options.last_retry = kLastRetry;
  MqttFeed* self = feed.get();
  MqttConnection::Handlers handlers;
  handlers.connected = [self, topic = spec.topic] {
    self->connection_->Log("connected, subscribed to " + topic);
    self->ShowCounters();
  };
  handlers.lost = [self] { self->ShowCounters(); };
  handlers.failed = [self] { self->ShowCounters(); };
  // A retained message is the publisher's last value: taken like a fresh one (the source's
  // `stale` and `timeout` judge it by when it arrives).
  handlers.message = [self](const std::string& topic, const std::string& payload, bool) {
    self->Take(topic, payload);
  };
  auto connection = MqttConnection::Start(io, std::move(options), std::move(handlers));
  if (!connection.ok()) return connection.status().WithContext("source " + port.spec());
  feed->connection_ = std::move(connection).value();
  return feed;
}

void MqttFeed::ShowCounters() {
  const MqttConnectionCounters& c = connection_->counters();
  port_.SetFeedCounter("connects", c.connects);
  port_.SetFeedCounter("disconnects", c.connections_lost);
  port_.SetFeedCounter("connect_failures", c.connect_failures);
}

void MqttFeed::Take(const std::string& topic, const std::string& payload) {
  if (Status st = port_.Take(payload); !st.ok()) {
    connection_->Log("topic " + topic + ": message refused: " + st.message());
  }
}

}  // namespace pro380::app
