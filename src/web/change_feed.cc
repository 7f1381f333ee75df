#include "web/change_feed.h"

namespace pro380::web {

std::string SseText(const FeedMessage& message) {
  return "id: " + std::to_string(message.seq) + "\nevent: " + message.event +
         "\ndata: " + message.data + "\n\n";
}

void ChangeFeed::Publish(std::string event, std::string data) {
  {
    std::lock_guard lock(mutex_);
    if (messages_.size() == kCapacity) messages_.pop_front();
    messages_.push_back({next_seq_++, std::move(event), std::move(data)});
  }
  changed_.notify_all();
}

ChangeFeed::Batch ChangeFeed::Wait(uint64_t* cursor, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return closed_ || next_seq_ - 1 > *cursor; });
  Batch batch;
  batch.closed = closed_;
  const uint64_t oldest = messages_.empty() ? next_seq_ : messages_.front().seq;
  if (*cursor + 1 < oldest) batch.lost = oldest - (*cursor + 1);
  for (const FeedMessage& m : messages_) {
    if (m.seq > *cursor) batch.messages.push_back(m);
  }
  *cursor = next_seq_ - 1;
  return batch;
}

uint64_t ChangeFeed::last_seq() const {
  std::lock_guard lock(mutex_);
  return next_seq_ - 1;
}

void ChangeFeed::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

}  // namespace pro380::web
