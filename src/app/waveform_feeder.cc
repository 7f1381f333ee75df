#include "app/waveform_feeder.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "metering/waveform_front_end.h"

namespace pro380::app {
namespace {

constexpr std::size_t kBlockSamples = std::size_t{1} << 16;

// Whole samples within `limit`; a limit that is a whole number of samples within rounding of
// the ns clock counts that sample.
uint64_t SamplesWithin(Duration limit, double sample_rate_hz) {
  const long double samples = static_cast<long double>(limit.count()) * sample_rate_hz / 1e9L;
  return static_cast<uint64_t>(std::floor(samples + 1e-6L));
}

// Samples whose cycle measures outside the input limits (metering/input_limits.h) make the
// input unusable, as a CSV value outside them does: the run stops with InvalidArgument naming
// the samples. (The front end has already kept such a cycle from registering anything.)
Status OutOfRange(const metering::WaveformFrontEnd& front_end) {
  if (front_end.stats().out_of_range_segments == 0) return Status::Ok();
  return Status::InvalidArgument(front_end.stats().first_out_of_range);
}

}  // namespace

Result<Duration> FeedWaveform(source::WaveformSource& source, metering::Meter& meter,
                              std::optional<Duration> limit) {
  metering::FrontEndConfig config;
  config.sample_rate_hz = source.info().sample_rate_hz;
  config.wiring = meter.config().wiring;
  config.current_scale = meter.current_scale();
  const Status valid = metering::WaveformFrontEnd::CheckConfig(config);
  if (!valid.ok()) return valid;
  metering::WaveformFrontEnd front_end(config);

  const TimePoint start = meter.now();
  uint64_t left =
      limit ? SamplesWithin(*limit, config.sample_rate_hz) : std::numeric_limits<uint64_t>::max();
  // Cycles are applied in batches: the meter settles a run of intervals faster than one by one.
  std::vector<metering::Interval> cycles;
  const auto keep = [&cycles](const metering::Interval& interval) { cycles.push_back(interval); };
  while (left > 0) {
    auto block = source.Read(static_cast<std::size_t>(std::min<uint64_t>(kBlockSamples, left)));
    if (!block.ok()) return block.status();
    if (block->samples == 0) break;
    front_end.Process(*block, keep);
    if (Status limits = OutOfRange(front_end); !limits.ok()) return limits;
    meter.ApplyAll(cycles);
    cycles.clear();
    left -= block->samples;
  }
  front_end.Flush(keep);
  if (Status limits = OutOfRange(front_end); !limits.ok()) return limits;
  meter.ApplyAll(cycles);
  return meter.now() - start;
}

}  // namespace pro380::app
