#include "app/live_source_port.h"

#include <cstdio>
#include <utility>

namespace pro380::app {

LiveSourcePort::LiveSourcePort(std::string spec, const source::LiveSpec& live,
                               source::LiveSource& source)
    : spec_(std::move(spec)), live_(live), source_(source) {}

web::SourceStatusView LiveSourcePort::View() const {
  const TimePoint now = source_.cursor();
  const source::LiveStatus status = source_.status(now);
  web::SourceStatusView view;
  view.spec = spec_;
  view.state = std::string(source::LiveStateName(status.state));
  view.stale = status.stale();
  if (status.last_update) view.age_s = ToSeconds(now - *status.last_update);
  view.counters.emplace_back("accepted", status.accepted);
  for (int k = 0; k < source::kPayloadProblemCount; ++k) {
    view.counters.emplace_back(
        std::string(source::PayloadProblemName(static_cast<source::PayloadProblem>(k))),
        problems_[k]);
  }
  for (const auto& counter : feed_counters_) view.counters.push_back(counter);
  return view;
}

void LiveSourcePort::SetFeedCounter(const std::string& name, uint64_t value) {
  for (auto& [n, v] : feed_counters_) {
    if (n == name) {
      v = value;
      return;
    }
  }
  feed_counters_.emplace_back(name, value);
}

Status LiveSourcePort::TakeAs(std::string_view payload, source::PayloadFormat format) {
  const source::ParsedPayload parsed = source::ParseLivePayload(payload, format);
  if (!parsed.reading) {
    ++problems_[static_cast<int>(parsed.error->problem)];
    return Status::InvalidArgument(parsed.error->message);
  }
  Status st = source_.Update(*parsed.reading, source_.cursor());
  if (!st.ok()) ++problems_[static_cast<int>(source::PayloadProblem::kOutOfRange)];
  return st;
}

Status LiveSourcePort::Take(std::string_view payload) { return TakeAs(payload, live_.format); }

Status LiveSourcePort::TakeReading(const source::LiveReading& reading) {
  if (reading.empty()) {
    ++problems_[static_cast<int>(source::PayloadProblem::kNoValue)];
    return Status::InvalidArgument("the reading states no value");
  }
  Status st = source_.Update(reading, source_.cursor());
  if (!st.ok()) ++problems_[static_cast<int>(source::PayloadProblem::kOutOfRange)];
  return st;
}

Status LiveSourcePort::SetValues(std::string_view json) {
  if (live_.kind != source::LiveKind::kHttp) {
    return Status::FailedPrecondition("the source is " + spec_ +
                                      "; values are set through the REST API with --source http");
  }
  return TakeAs(json, source::PayloadFormat::kCanonical);
}

Status LiveSourcePort::SetSchedule(std::string_view json) {
  if (live_.kind != source::LiveKind::kHttp) {
    return Status::FailedPrecondition(
        "the source is " + spec_ + "; schedules are set through the REST API with --source http");
  }
  auto steps = source::ParseSchedulePayload(json);
  if (!steps.ok()) return steps.status();
  return source_.SetSchedule(std::move(*steps), source_.cursor());
}

std::optional<source::LiveState> LiveSourcePort::StateChange() {
  const source::LiveState now = source_.status(source_.cursor()).state;
  if (now == reported_) return std::nullopt;
  reported_ = now;
  return now;
}

std::unique_ptr<LiveSourcePort> MakeLiveSourcePort(const std::string& spec,
                                                   source::RecordSource& source) {
  auto* live = dynamic_cast<source::LiveSource*>(&source);
  if (!live || !source::IsLiveSpec(spec)) return nullptr;
  auto parsed = source::ParseLiveSpec(spec);
  if (!parsed.ok()) return nullptr;  // OpenSource parsed the same spec already
  return std::make_unique<LiveSourcePort>(spec, *parsed, *live);
}

std::string LiveStateLine(const LiveSourcePort& port, source::LiveState state) {
  const auto seconds = [](Duration d) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", ToSeconds(d));
    return std::string(text);
  };
  const source::LiveTimeouts& t = port.timeouts();
  switch (state) {
    case source::LiveState::kFresh:
      return "source " + port.spec() + " fresh: readings arrive";
    case source::LiveState::kStale:
      return "source " + port.spec() + " stale: no reading for " + seconds(t.stale) +
             " s, the last values are held";
    case source::LiveState::kTimedOut:
      return "source " + port.spec() + " timed out: no reading for " + seconds(t.timeout) +
             " s, current and power are 0";
    case source::LiveState::kWaiting:
      break;
  }
  return "source " + port.spec() + " waiting for its first reading";
}

}  // namespace pro380::app
