// EventLog: the recent events of the process's meters (setting changes, power up/down, errors),
// as the state store keeps them (docs/formats/state.md), for the web page and REST API. app/
// fills it with the store's last events at the start and with every event it saves; web/ knows
// no storage types, so an event arrives here as an EventRecord.
//
// Thread safety: none; owned by the meters' thread (read through MeterGateway tasks).
#ifndef PRO380_WEB_EVENT_LOG_H_
#define PRO380_WEB_EVENT_LOG_H_

#include <cstdint>
#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/time.h"

namespace pro380::web {

struct EventRecord {
  uint64_t seq = 0;  // given by the log
  TimePoint wall_time{};
  TimePoint meter_time{};
  std::string serial;
  std::string kind;  // the store's name: "power_up", "setting_change", …
  std::string interface;
  std::string client;
  std::string detail;
};

class EventLog {
 public:
  static constexpr size_t kCapacity = 1000;

  void Add(EventRecord record);
  // Records with seq > `after` (of `serial`, or of all meters when empty), oldest first, at most
  // `limit` (the newest ones).
  std::vector<const EventRecord*> After(uint64_t after, std::string_view serial = {},
                                        size_t limit = kCapacity) const;
  uint64_t last_seq() const { return next_seq_ - 1; }

 private:
  std::deque<EventRecord> records_;
  uint64_t next_seq_ = 1;
};

nlohmann::json EventJson(const EventRecord& record);

}  // namespace pro380::web

#endif  // PRO380_WEB_EVENT_LOG_H_
