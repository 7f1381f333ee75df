#include "web/live_publisher.h"

#include "web/event_log.h"
#include "web/meter_views.h"
#include "web/panel_view.h"
#include "web/traffic_log.h"

namespace pro380::web {

void LivePublisher::Publish(MeterAccess& access, TimePoint wall_now) {
  if (access.traffic && access.traffic->last_seq() > traffic_seq_) {
    nlohmann::json frames = nlohmann::json::array();
    for (const TrafficEntry* e : access.traffic->After(traffic_seq_, 200)) {
      frames.push_back(TrafficEntryJson(*e));
    }
    traffic_seq_ = access.traffic->last_seq();
    feed_.Publish("traffic", nlohmann::json{{"frames", frames}}.dump());
  }
  if (access.events && access.events->last_seq() > event_seq_) {
    for (const EventRecord* e : access.events->After(event_seq_, {}, 100)) {
      feed_.Publish("event", EventJson(*e).dump());
    }
    event_seq_ = access.events->last_seq();
  }
  for (const WebMeter& m : access.meters) {
    if (!m.panel) continue;
    std::string lcd = LcdJson(m).dump();
    std::string& last = last_lcd_[m.serial];
    if (lcd != last) {
      last = lcd;
      feed_.Publish("lcd", std::move(lcd));
    }
  }
  for (const WebMeter& m : access.meters) {
    if (!m.panel) continue;
    std::array<LedPulseTimes, 2>& leds = leds_[m.serial];
    nlohmann::json json = nlohmann::json::object();
    bool any = false;
    for (const auto kind : {metering::EnergyKind::kActive, metering::EnergyKind::kReactive}) {
      const PulseBatch batch = leds[static_cast<int>(kind)].Next(m.panel->Led(kind));
      nlohmann::json offsets = nlohmann::json::array();
      const double speed = access.speed > 0 ? access.speed : 1.0;
      for (double s : batch.offsets_s) offsets.push_back(s / speed * 1000.0);
      any = any || batch.count > 0;
      json[kind == metering::EnergyKind::kActive ? "active" : "reactive"] = {
          {"count", batch.count}, {"offsets_ms", offsets}};
    }
    if (any) feed_.Publish("pulses", nlohmann::json{{"serial", m.serial}, {"leds", json}}.dump());
  }
  if (wall_now < next_values_) return;
  next_values_ = wall_now + period_;
  for (const WebMeter& m : access.meters) {
    feed_.Publish("values", MeterJson(m).dump());
  }
  feed_.Publish("counters", nlohmann::json{{"interfaces", CountersJson(access)}}.dump());
}

}  // namespace pro380::web
