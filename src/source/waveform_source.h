// WaveformSource: sampled three-phase voltage and current, delivered in blocks of the six
// channels v1, i1, v2, i2, v3, i3 (metering/sample_block.h), for the metering engine's waveform
// front end (metering/waveform_front_end.h). Implementations: WaveFileReader (source/wave_file.h).
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_WAVEFORM_SOURCE_H_
#define PRO380_SOURCE_WAVEFORM_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/status.h"
#include "base/time.h"
#include "metering/sample_block.h"

namespace pro380::source {

struct WaveformInfo {
  double sample_rate_hz = 0;        // per channel
  std::optional<uint64_t> samples;  // per channel, when the length is known (files)
  std::optional<TimePoint> start;   // time of the first sample, when the source knows it
};

class WaveformSource {
 public:
  virtual ~WaveformSource() = default;

  virtual const WaveformInfo& info() const = 0;

  // The next block of at most `max_samples` samples per channel; a block of 0 samples means the
  // source has ended. The block's memory stays valid until the next call. An error means the
  // input is unusable from here on (the message names the place).
  virtual Result<metering::SampleBlock> Read(std::size_t max_samples) = 0;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_WAVEFORM_SOURCE_H_
