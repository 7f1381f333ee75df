#include "web/event_log.h"

#include "web/traffic_log.h"

namespace pro380::web {

void EventLog::Add(EventRecord record) {
  if (records_.size() == kCapacity) records_.pop_front();
  record.seq = next_seq_++;
  records_.push_back(std::move(record));
}

std::vector<const EventRecord*> EventLog::After(uint64_t after, std::string_view serial,
                                                size_t limit) const {
  std::vector<const EventRecord*> out;
  for (auto it = records_.rbegin(); it != records_.rend() && out.size() < limit; ++it) {
    if (it->seq <= after) break;
    if (serial.empty() || it->serial == serial) out.push_back(&*it);
  }
  return {out.rbegin(), out.rend()};
}

nlohmann::json EventJson(const EventRecord& record) {
  return {{"seq", record.seq},
          {"time", IsoTime(record.wall_time)},
          {"meter_time", IsoTime(record.meter_time)},
          {"serial", record.serial},
          {"kind", record.kind},
          {"interface", record.interface},
          {"client", record.client},
          {"detail", record.detail}};
}

}  // namespace pro380::web
