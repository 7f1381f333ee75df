// WaveformSource: sampled three-phase voltage and current, delivered in blocks of planar float
// channels, for the metering engine's waveform front end (metering/waveform_front_end.h).
#ifndef PRO380_SOURCE_WAVEFORM_SOURCE_H_
#define PRO380_SOURCE_WAVEFORM_SOURCE_H_

#include "base/status.h"

namespace pro380::source {

class WaveformSource {
 public:
  virtual ~WaveformSource() = default;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_WAVEFORM_SOURCE_H_
