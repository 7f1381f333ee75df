// LiveSourcePort: a meter's live source (source/live_source.h) as the web layer and the feeds
// reach it. It parses what a feed sends (REST bodies, MQTT messages), takes it into the source
// at the source's present time and counts every refusal by its kind; it reports the state
// changes for the log. Lives on the meters' thread, like the source.
#ifndef PRO380_APP_LIVE_SOURCE_PORT_H_
#define PRO380_APP_LIVE_SOURCE_PORT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "source/live_payload.h"
#include "source/live_source.h"
#include "source/live_spec.h"
#include "web/meter_gateway.h"

namespace pro380::app {

class LiveSourcePort : public web::SourcePort {
 public:
  LiveSourcePort(std::string spec, const source::LiveSpec& live, source::LiveSource& source);

  web::SourceStatusView View() const override;
  // The REST API's values and schedule: an `http` source's only (FailedPrecondition otherwise).
  Status SetValues(std::string_view json) override;
  Status SetSchedule(std::string_view json) override;

  // One message of the feed in the spec's payload format. A refusal is counted and returned
  // (the caller logs it with where it came from); nothing changes then.
  Status Take(std::string_view payload);

  // One reading a feed decoded itself (the modbus-client bridge), at the source's present time.
  // A refusal is counted (out_of_range) and returned; nothing changes then.
  Status TakeReading(const source::LiveReading& reading);

  // "stale", "timed_out", "fresh" … when the state differs from the last call's; else nullopt.
  std::optional<source::LiveState> StateChange();

  // A counter of the feed itself (an MQTT client's "connects", "disconnects"), shown with the
  // source's counters.
  void SetFeedCounter(const std::string& name, uint64_t value);

  const source::LiveSpec& live_spec() const { return live_; }
  const std::string& spec() const { return spec_; }
  const source::LiveTimeouts& timeouts() const { return source_.timeouts(); }

 private:
  Status TakeAs(std::string_view payload, source::PayloadFormat format);

  std::string spec_;
  source::LiveSpec live_;
  source::LiveSource& source_;
  std::array<uint64_t, source::kPayloadProblemCount> problems_{};
  std::vector<std::pair<std::string, uint64_t>> feed_counters_;
  source::LiveState reported_ = source::LiveState::kWaiting;
};

// The port of `source` when `spec` is a live source's (IsLiveSpec), else nullptr.
std::unique_ptr<LiveSourcePort> MakeLiveSourcePort(const std::string& spec,
                                                   source::RecordSource& source);

// The line the log prints when a meter's live source changes state, e.g. "source stale: no
// reading for 10 s, the last values are held".
std::string LiveStateLine(const LiveSourcePort& port, source::LiveState state);

}  // namespace pro380::app

#endif  // PRO380_APP_LIVE_SOURCE_PORT_H_
