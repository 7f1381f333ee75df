// Fuzz target: a whole waveform file through WaveFileReader (source/wave_file.h) and the
// waveform front end (metering/waveform_front_end.h), as `pro380 simulate --source wave:` reads
// it. The reader only opens paths, so the input is written to a memfd (no disk) and opened as
// /proc/self/fd/N. Invariants: every block lies inside the file and the blocks deliver exactly
// the samples the header promises; every interval is finite, within the input limits
// (metering/input_limits.h) and has a non-negative duration, and the durations add up to the
// samples given.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "metering/input_limits.h"
#include "metering/waveform_front_end.h"
#include "source/wave_file.h"

namespace {

using pro380::fuzz::Check;
namespace metering = pro380::metering;
namespace source = pro380::source;

// The memfd every input is written to; created once per process.
int InputFile() {
  static const int fd = ::memfd_create("wave_reader_fuzz", MFD_CLOEXEC);
  Check(fd >= 0, "memfd_create works");
  return fd;
}

// Checks that the block's samples lie inside [file, file + file_size).
void CheckInside(const metering::SampleBlock& block, const std::byte* file, uint64_t file_size) {
  if (block.samples == 0) return;
  const std::size_t size = metering::SampleSize(block.type);
  for (const void* channel : block.channel) {
    const auto* first = static_cast<const std::byte*>(channel);
    const std::byte* last = first + ((block.samples - 1) * block.stride) * size;
    Check(first >= file + source::kWaveHeaderSize && last + size <= file + file_size,
          "blocks lie inside the file's samples");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const int fd = InputFile();
  Check(::ftruncate(fd, 0) == 0 && ::pwrite(fd, data, size, 0) == static_cast<ssize_t>(size),
        "the memfd takes the input");
  auto reader = source::WaveFileReader::Open("/proc/self/fd/" + std::to_string(fd));
  if (!reader.ok()) return 0;

  const source::WaveHeader& header = (*reader)->header();
  metering::FrontEndConfig config;
  config.sample_rate_hz = header.sample_rate_hz;
  config.wiring = size % 2 == 0 ? metering::Wiring::k3P4W : metering::Wiring::k3P3W;
  Check(metering::WaveformFrontEnd::CheckConfig(config).ok(), "a readable file's rate is valid");
  metering::WaveformFrontEnd front_end(config);
  int64_t total_ns = 0;
  const auto sink = [&total_ns, &config](const metering::Interval& interval) {
    Check(interval.duration.count() >= 0, "interval durations are not negative");
    Check(pro380::fuzz::IsFiniteInterval(interval), "interval values are finite");
    // Part cycles may carry kPartCyclePowerFactor × the active power limit; the sink cannot
    // tell them apart, so every interval is held to that.
    metering::Interval checked = interval;
    for (auto& phase : checked.phase) phase.active_w /= metering::kPartCyclePowerFactor;
    Check(metering::ElementsWithinLimits(checked, config.wiring),
          "intervals are within the input limits");
    total_ns += interval.duration.count();
  };

  const std::size_t max_samples = 1 + size % 97;  // varies the block boundaries
  const std::byte* file = nullptr;
  uint64_t samples = 0;
  while (true) {
    auto block = (*reader)->Read(max_samples);
    Check(block.ok(), "a file that opened reads to its end");
    if (block->samples == 0) break;
    Check(block->samples <= max_samples, "blocks are no larger than asked");
    // The first block starts right after the header, which tells where the file is mapped.
    if (file == nullptr) file = static_cast<const std::byte*>(block->channel[0]) - 96;
    CheckInside(*block, file, size);
    samples += block->samples;
    front_end.Process(*block, sink);
  }
  front_end.Flush(sink);
  Check(samples == header.sample_count, "the blocks deliver the promised samples");
  const double expected_ns = static_cast<double>(samples) / header.sample_rate_hz * 1e9;
  Check(std::fabs(static_cast<double>(total_ns) - expected_ns) <= 2,
        "interval durations add up to the samples given");
  return 0;
}
