// The pro380 waveform file format, version 1 (docs/formats/waveform.md): a 96-byte little-endian
// header followed by the samples of the six channels v1, i1, v2, i2, v3, i3, planar or
// interleaved, as int16, int32 or float32 with a scale per channel.
//
// DO NOT CHANGE the layout or the meaning of a field: files written by earlier builds must read
// the same. A change is a new version number, with the old version still read.
#ifndef PRO380_SOURCE_WAVE_FORMAT_H_
#define PRO380_SOURCE_WAVE_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "metering/sample_block.h"

namespace pro380::source {

inline constexpr std::string_view kWaveMagic = "P380WAVE";
inline constexpr uint16_t kWaveVersion = 1;
inline constexpr std::size_t kWaveHeaderSize = 96;

// Byte offsets of the header fields (the table in docs/formats/waveform.md).
inline constexpr std::size_t kWaveOffsetVersion = 8;
inline constexpr std::size_t kWaveOffsetHeaderSize = 10;
inline constexpr std::size_t kWaveOffsetSampleType = 12;
inline constexpr std::size_t kWaveOffsetLayout = 13;
inline constexpr std::size_t kWaveOffsetChannels = 14;
inline constexpr std::size_t kWaveOffsetFlags = 15;
inline constexpr std::size_t kWaveOffsetSampleRate = 16;
inline constexpr std::size_t kWaveOffsetSampleCount = 24;
inline constexpr std::size_t kWaveOffsetStartTime = 32;
inline constexpr std::size_t kWaveOffsetScale = 40;  // six float64
inline constexpr std::size_t kWaveOffsetReserved = 88;
static_assert(kWaveOffsetScale + 8 * metering::kChannelCount == kWaveOffsetReserved);
static_assert(kWaveOffsetReserved + 8 == kWaveHeaderSize);

inline constexpr uint8_t kWaveFlagStartTime = 0x01;

// Values on disk: DO NOT RENUMBER.
enum class WaveLayout : uint8_t { kPlanar = 0, kInterleaved = 1 };

struct WaveHeader {
  metering::SampleType sample_type = metering::SampleType::kFloat32;
  WaveLayout layout = WaveLayout::kPlanar;
  double sample_rate_hz = 6400;
  uint64_t sample_count = 0;       // per channel
  std::optional<TimePoint> start;  // meter time of the first sample, if the writer knew it
  std::array<double, metering::kChannelCount> scale{1, 1, 1, 1, 1, 1};  // physical = raw × scale

  uint64_t DataBytes() const {
    return sample_count * metering::kChannelCount * metering::SampleSize(sample_type);
  }
};

std::array<std::byte, kWaveHeaderSize> EncodeWaveHeader(const WaveHeader& header);

// Decodes and checks the header at the front of a file of `file_size` bytes, of which `bytes`
// holds at least the first min(file_size, kWaveHeaderSize). Every error is InvalidArgument
// "wave file '<name>': byte <offset>: <problem>".
Result<WaveHeader> DecodeWaveHeader(std::span<const std::byte> bytes, uint64_t file_size,
                                    std::string_view name);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_WAVE_FORMAT_H_
