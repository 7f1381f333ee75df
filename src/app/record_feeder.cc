#include "app/record_feeder.h"

namespace pro380::app {

RecordFeeder::RecordFeeder(source::RecordSource& source, std::size_t batch)
    : source_(source), buffer_(batch) {}

Result<Duration> RecordFeeder::Feed(metering::Meter& meter, Duration span) {
  Duration applied{};
  while (applied < span) {
    if (next_ == end_) {
      if (ended_) break;
      auto n = source_.Read(buffer_);
      if (!n.ok()) return n.status();
      next_ = 0;
      end_ = *n;
      if (end_ == 0) {
        ended_ = true;
        break;
      }
    }
    metering::Interval& record = buffer_[next_];
    const Duration left = span - applied;
    if (record.duration <= left) {
      meter.ApplyRecord(record);
      applied += record.duration;
      ++next_;
    } else {
      metering::Interval part = record;
      part.duration = left;
      meter.ApplyRecord(part);
      record.duration -= left;
      applied += left;
    }
  }
  return applied;
}

}  // namespace pro380::app
