// ChangeFeed: ordered delivery after a cursor, the bounded buffer (a slow reader loses the oldest
// and is told how many), closing, and a reader on another thread woken by a publish.
#include "web/change_feed.h"

#include <gtest/gtest.h>

#include <thread>

namespace pro380::web {
namespace {

using std::chrono::milliseconds;

TEST(ChangeFeedTest, ReaderGetsWhatCameAfterItsCursor) {
  ChangeFeed feed;
  uint64_t cursor = feed.last_seq();
  feed.Publish("values", "{\"a\":1}");
  feed.Publish("traffic", "{}");
  const ChangeFeed::Batch batch = feed.Wait(&cursor, milliseconds(0));
  ASSERT_EQ(batch.messages.size(), 2u);
  EXPECT_EQ(batch.messages[0].event, "values");
  EXPECT_EQ(batch.lost, 0u);
  EXPECT_EQ(cursor, 2u);
  EXPECT_TRUE(feed.Wait(&cursor, milliseconds(0)).messages.empty());
  EXPECT_EQ(SseText(batch.messages[0]), "id: 1\nevent: values\ndata: {\"a\":1}\n\n");
}

TEST(ChangeFeedTest, SlowReaderLosesTheOldestAndIsTold) {
  ChangeFeed feed;
  uint64_t cursor = 0;
  for (size_t k = 0; k < ChangeFeed::kCapacity + 10; ++k) feed.Publish("e", std::to_string(k));
  const ChangeFeed::Batch batch = feed.Wait(&cursor, milliseconds(0));
  EXPECT_EQ(batch.lost, 10u);
  ASSERT_EQ(batch.messages.size(), ChangeFeed::kCapacity);
  EXPECT_EQ(batch.messages.front().data, "10");
}

TEST(ChangeFeedTest, PublishWakesAWaitingReaderOnAnotherThread) {
  ChangeFeed feed;
  uint64_t cursor = 0;
  ChangeFeed::Batch batch;
  std::thread reader([&] { batch = feed.Wait(&cursor, milliseconds(5000)); });
  std::this_thread::sleep_for(milliseconds(20));
  const auto start = std::chrono::steady_clock::now();
  feed.Publish("event", "{}");
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  EXPECT_EQ(batch.messages.size(), 1u);
}

TEST(ChangeFeedTest, CloseEndsEveryStream) {
  ChangeFeed feed;
  uint64_t cursor = 0;
  ChangeFeed::Batch batch;
  std::thread reader([&] { batch = feed.Wait(&cursor, milliseconds(5000)); });
  feed.Close();
  reader.join();
  EXPECT_TRUE(batch.closed);
}

}  // namespace
}  // namespace pro380::web
