// Source specs of the command line (product.md, "Source specs") turned into sources.
#ifndef PRO380_SOURCE_OPEN_SOURCE_H_
#define PRO380_SOURCE_OPEN_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "base/time.h"
#include "source/record_source.h"

namespace pro380::source {

class WaveformSource;  // source/waveform_source.h

struct SourceOptions {
  TimePoint start{};  // meter time of the first record (scenarios use its time of day)
  uint64_t seed = 1;  // scenario variation; the same seed gives the same records
};

struct OpenedSource {
  std::unique_ptr<RecordSource> records;     // set for record sources
  std::unique_ptr<WaveformSource> waveform;  // set for wave: sources
  bool finite = false;                       // ends by itself (files)
  std::string description;                   // for logs and status
  OpenedSource();
  OpenedSource(OpenedSource&&) noexcept;
  OpenedSource& operator=(OpenedSource&&) noexcept;
  ~OpenedSource();
};

// Opens `spec`. Unknown kinds, malformed bodies and unreadable files are InvalidArgument with a
// message that names the spec and lists what is allowed.
Result<OpenedSource> OpenSource(std::string_view spec, const SourceOptions& options);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_OPEN_SOURCE_H_
