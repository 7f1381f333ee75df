#include "app/record_feeder.h"

namespace pro380::app {

RecordFeeder::RecordFeeder(source::RecordSource& source, std::size_t batch)
    : source_(source), buffer_(batch) {}

Result<bool> RecordFeeder::Refill() {
  if (next_ != end_) return true;
  if (ended_) return false;
  auto n = source_.Read(buffer_);
  if (!n.ok()) return n.status();
  next_ = 0;
  end_ = *n;
  ended_ = end_ == 0;
  return !ended_;
}

Status RecordFeeder::ShowNext(metering::Meter& meter) {
  auto more = Refill();
  if (!more.ok()) return more.status();
  if (!*more) return Status::Ok();
  metering::Interval now = buffer_[next_];
  now.duration = Duration::zero();
  meter.ApplyRecord(now);
  return Status::Ok();
}

Result<Duration> RecordFeeder::Feed(metering::Meter& meter, Duration span) {
  Duration applied{};
  while (applied < span) {
    auto more = Refill();
    if (!more.ok()) return more.status();
    if (!*more) break;
    // Apply every buffered record that fits whole in one call (the engine's fast path), then
    // split the one the span ends inside.
    std::size_t fit = next_;
    Duration fit_time{};
    const Duration left = span - applied;
    while (fit < end_ && fit_time + buffer_[fit].duration <= left)
      fit_time += buffer_[fit++].duration;
    if (fit > next_) {
      meter.ApplyRecords(std::span(buffer_).subspan(next_, fit - next_));
      applied += fit_time;
      next_ = fit;
      continue;
    }
    metering::Interval part = buffer_[next_];
    part.duration = left;
    meter.ApplyRecord(part);
    buffer_[next_].duration -= left;
    applied += left;
  }
  return applied;
}

}  // namespace pro380::app
