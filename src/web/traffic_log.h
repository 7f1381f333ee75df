// TrafficLog: the recent frames of every interface (a ring of the last kCapacity), the tap
// every interface feeds (transport/traffic_tap.h). Each frame gets a sequence number, so a
// reader (REST, the SSE publisher) asks for what came after the last one it saw.
//
// Thread safety: none; owned by the meters' thread (read through MeterGateway tasks).
#ifndef PRO380_WEB_TRAFFIC_LOG_H_
#define PRO380_WEB_TRAFFIC_LOG_H_

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transport/traffic_tap.h"

namespace pro380::web {

struct TrafficEntry {
  uint64_t seq = 0;
  TimePoint wall_time{};
  std::string interface;
  std::string peer;
  transport::FrameDirection direction = transport::FrameDirection::kReceived;
  std::vector<uint8_t> bytes;
  transport::FrameDecoder decoder = nullptr;
  std::string note;
};

class TrafficLog final : public transport::TrafficTap {
 public:
  static constexpr size_t kCapacity = 1000;

  void Record(const transport::TrafficFrame& frame) override;

  // Entries with seq > `after`, oldest first, at most `limit` (the newest ones).
  std::vector<const TrafficEntry*> After(uint64_t after, size_t limit = kCapacity) const;
  uint64_t last_seq() const { return next_seq_ - 1; }

 private:
  std::deque<TrafficEntry> entries_;
  uint64_t next_seq_ = 1;
};

// {"seq", "time" (ISO 8601 UTC), "interface", "peer", "direction" ("rx"/"tx"), "hex", "decoded",
// "note"}.
nlohmann::json TrafficEntryJson(const TrafficEntry& entry);

// ISO 8601 UTC with milliseconds, e.g. "2026-11-27T06:50:01.123Z".
std::string IsoTime(TimePoint t);

}  // namespace pro380::web

#endif  // PRO380_WEB_TRAFFIC_LOG_H_
