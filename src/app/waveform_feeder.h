// FeedWaveform: drives a Meter from a WaveformSource through the waveform front end, for
// `simulate` (as fast as the machine allows; meter time comes from the sample count).
#ifndef PRO380_APP_WAVEFORM_FEEDER_H_
#define PRO380_APP_WAVEFORM_FEEDER_H_

#include <optional>

#include "base/status.h"
#include "base/time.h"
#include "metering/meter.h"
#include "source/waveform_source.h"

namespace pro380::app {

// Feeds samples until the source ends or, if given, `limit` of meter time is covered (to the
// sample: the first floor(limit × sample rate) samples), then flushes the front end so that
// meter time ends exactly where the samples did. Returns the meter time fed. A sample rate the
// front end cannot take, a source error, or samples whose cycle measures outside the input
// limits (metering/input_limits.h; InvalidArgument "samples A..B (from T s): <problem>") is
// returned as a Status; what was fed before an error stays registered.
Result<Duration> FeedWaveform(source::WaveformSource& source, metering::Meter& meter,
                              std::optional<Duration> limit);

}  // namespace pro380::app

#endif  // PRO380_APP_WAVEFORM_FEEDER_H_
