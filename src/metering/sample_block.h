// SampleBlock: a borrowed view of sampled three-phase voltage and current as the meter's
// terminals see them, in the channel order v1, i1, v2, i2, v3, i3 (volts and amperes after
// scaling). Raw samples are int16, int32 or float32, planar (stride 1) or interleaved (stride 6);
// the physical value of a raw sample is raw × scale. The block owns nothing: the samples must
// stay valid for the call that receives the block.
#ifndef PRO380_METERING_SAMPLE_BLOCK_H_
#define PRO380_METERING_SAMPLE_BLOCK_H_

#include <array>
#include <cstddef>
#include <cstdint>

namespace pro380::metering {

// Raw sample encodings. The values are those of the waveform file format: DO NOT RENUMBER.
enum class SampleType : uint8_t { kInt16 = 1, kInt32 = 2, kFloat32 = 3 };

constexpr std::size_t SampleSize(SampleType type) { return type == SampleType::kInt16 ? 2 : 4; }

inline constexpr int kChannelCount = 6;
// Channel index of phase k's (0..2) voltage and current.
constexpr int VoltageChannel(int phase) { return 2 * phase; }
constexpr int CurrentChannel(int phase) { return 2 * phase + 1; }

struct SampleBlock {
  SampleType type = SampleType::kFloat32;
  std::array<const void*, kChannelCount> channel{};  // first raw sample of each channel
  std::size_t stride = 1;                            // in samples: 1 planar, 6 interleaved
  std::array<double, kChannelCount> scale{1, 1, 1, 1, 1, 1};
  std::size_t samples = 0;  // per channel

  // True when the samples can be used as they are: planar float32 with unit scale.
  bool IsPlainFloat() const {
    if (type != SampleType::kFloat32 || stride != 1) return false;
    for (double s : scale) {
      if (s != 1.0) return false;
    }
    return true;
  }
};

// The fast-path block: six planar float32 channels already in volts and amperes.
inline SampleBlock PlanarFloatBlock(const std::array<const float*, kChannelCount>& channels,
                                    std::size_t samples) {
  SampleBlock block;
  for (int c = 0; c < kChannelCount; ++c) block.channel[c] = channels[c];
  block.samples = samples;
  return block;
}

}  // namespace pro380::metering

#endif  // PRO380_METERING_SAMPLE_BLOCK_H_
