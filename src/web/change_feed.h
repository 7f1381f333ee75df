// ChangeFeed: the messages of the server-sent-events stream (GET /api/v1/stream), published by
// the meters' thread (LivePublisher) and read by the HTTP threads that serve the stream. The one
// piece of web/ shared between threads, guarded by a mutex.
//
// The feed keeps the last kCapacity messages, each with a sequence number; a reader that falls
// further behind than that loses the oldest ones (it is told how many) instead of slowing the
// meters down.
#ifndef PRO380_WEB_CHANGE_FEED_H_
#define PRO380_WEB_CHANGE_FEED_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace pro380::web {

struct FeedMessage {
  uint64_t seq = 0;
  std::string event;  // SSE event name: "values", "traffic", "event", "lcd", …
  std::string data;   // one line of JSON
};

// SSE wire form of one message: "id: N\nevent: E\ndata: D\n\n".
std::string SseText(const FeedMessage& message);

class ChangeFeed {
 public:
  static constexpr size_t kCapacity = 256;

  void Publish(std::string event, std::string data);

  struct Batch {
    std::vector<FeedMessage> messages;
    uint64_t lost = 0;    // messages that left the buffer before this reader saw them
    bool closed = false;  // the feed is closed: the stream ends
  };
  // Waits up to `timeout` for messages after `*cursor`, returns them and advances `*cursor`.
  Batch Wait(uint64_t* cursor, std::chrono::milliseconds timeout);
  // The sequence number of the newest message (a new reader starts after it).
  uint64_t last_seq() const;
  // Wakes every reader and ends their streams.
  void Close();

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<FeedMessage> messages_;
  uint64_t next_seq_ = 1;
  bool closed_ = false;
};

}  // namespace pro380::web

#endif  // PRO380_WEB_CHANGE_FEED_H_
