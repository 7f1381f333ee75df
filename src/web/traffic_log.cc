#include "web/traffic_log.h"

#include <cstdio>

namespace pro380::web {

void TrafficLog::Record(const transport::TrafficFrame& frame) {
  if (entries_.size() == kCapacity) entries_.pop_front();
  TrafficEntry& e = entries_.emplace_back();
  e.seq = next_seq_++;
  e.wall_time = frame.wall_time;
  e.interface = frame.interface;
  e.peer = frame.peer;
  e.direction = frame.direction;
  e.bytes.assign(frame.bytes.begin(), frame.bytes.end());
  e.decoder = frame.decoder;
  e.note = frame.note;
}

std::vector<const TrafficEntry*> TrafficLog::After(uint64_t after, size_t limit) const {
  std::vector<const TrafficEntry*> out;
  for (auto it = entries_.rbegin(); it != entries_.rend() && out.size() < limit; ++it) {
    if (it->seq <= after) break;
    out.push_back(&*it);
  }
  return {out.rbegin(), out.rend()};
}

std::string IsoTime(TimePoint t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(ms);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(ms - days);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return text;
}

nlohmann::json TrafficEntryJson(const TrafficEntry& entry) {
  std::string hex;
  for (uint8_t b : entry.bytes) {
    char pair[4];
    std::snprintf(pair, sizeof pair, "%s%02X", hex.empty() ? "" : " ", b);
    hex += pair;
  }
  return {{"seq", entry.seq},
          {"time", IsoTime(entry.wall_time)},
          {"interface", entry.interface},
          {"peer", entry.peer},
          {"direction", entry.direction == transport::FrameDirection::kReceived ? "rx" : "tx"},
          {"hex", hex},
          {"decoded", entry.decoder ? entry.decoder(entry.bytes, entry.direction) : ""},
          {"note", entry.note}};
}

}  // namespace pro380::web
