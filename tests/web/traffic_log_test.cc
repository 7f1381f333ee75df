// TrafficLog: a ring of the last kCapacity frames with sequence numbers; the decoder runs when a
// frame is shown; EventLog likewise, filtered by meter.
#include "web/traffic_log.h"

#include <gtest/gtest.h>

#include "web/event_log.h"

namespace pro380::web {
namespace {

std::string DecodeAsLength(std::span<const uint8_t> frame, transport::FrameDirection) {
  return std::to_string(frame.size()) + " bytes";
}

TEST(TrafficLogTest, KeepsTheLastFramesInOrder) {
  TrafficLog log;
  const uint8_t bytes[] = {1, 2, 3};
  for (size_t k = 0; k < TrafficLog::kCapacity + 5; ++k) {
    log.Record({{},
                "modbus-tcp",
                "127.0.0.1:1",
                transport::FrameDirection::kReceived,
                bytes,
                DecodeAsLength,
                ""});
  }
  EXPECT_EQ(log.last_seq(), TrafficLog::kCapacity + 5);
  const auto all = log.After(0);
  ASSERT_EQ(all.size(), TrafficLog::kCapacity);
  EXPECT_EQ(all.front()->seq, 6u);
  EXPECT_EQ(log.After(log.last_seq() - 2).size(), 2u);
  EXPECT_EQ(log.After(0, 3).front()->seq, log.last_seq() - 2);  // the newest 3
}

TEST(TrafficLogTest, JsonHasHexDecodeAndDirection) {
  TrafficLog log;
  const uint8_t bytes[] = {0x01, 0xAB};
  log.Record({TimePoint(std::chrono::milliseconds(1'500)), "modbus-rtu", "/dev/pts/3",
              transport::FrameDirection::kSent, bytes, DecodeAsLength, ""});
  const nlohmann::json j = TrafficEntryJson(*log.After(0).front());
  EXPECT_EQ(j["hex"], "01 AB");
  EXPECT_EQ(j["decoded"], "2 bytes");
  EXPECT_EQ(j["direction"], "tx");
  EXPECT_EQ(j["time"], "1970-01-01T00:00:01.500Z");
}

TEST(EventLogTest, FiltersByMeter) {
  EventLog log;
  log.Add({0, {}, {}, "1", "power_up", "app", "", ""});
  log.Add({0, {}, {}, "2", "power_up", "app", "", ""});
  log.Add({0, {}, {}, "1", "setting_change", "rest", "", "tariff: 1 -> 2"});
  EXPECT_EQ(log.After(0, "1").size(), 2u);
  EXPECT_EQ(log.After(0).size(), 3u);
  EXPECT_EQ(log.After(2, "1").front()->detail, "tariff: 1 -> 2");
}

}  // namespace
}  // namespace pro380::web
