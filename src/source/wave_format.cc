#include "source/wave_format.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <string>

#include "metering/waveform_front_end.h"

namespace pro380::source {
namespace {

constexpr std::array<std::string_view, metering::kChannelCount> kChannelNames = {"v1", "i1", "v2",
                                                                                 "i2", "v3", "i3"};

void PutLe(std::array<std::byte, kWaveHeaderSize>& out, std::size_t offset, uint64_t value,
           int bytes) {
  for (int k = 0; k < bytes; ++k) out[offset + k] = static_cast<std::byte>(value >> (8 * k));
}

uint64_t GetLe(std::span<const std::byte> in, std::size_t offset, int bytes) {
  uint64_t value = 0;
  for (int k = 0; k < bytes; ++k) {
    value |= static_cast<uint64_t>(std::to_integer<uint8_t>(in[offset + k])) << (8 * k);
  }
  return value;
}

double GetDouble(std::span<const std::byte> in, std::size_t offset) {
  return std::bit_cast<double>(GetLe(in, offset, 8));
}

std::string Text(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

}  // namespace

std::array<std::byte, kWaveHeaderSize> EncodeWaveHeader(const WaveHeader& header) {
  std::array<std::byte, kWaveHeaderSize> out{};
  for (std::size_t k = 0; k < kWaveMagic.size(); ++k) {
    out[k] = static_cast<std::byte>(kWaveMagic[k]);
  }
  PutLe(out, kWaveOffsetVersion, kWaveVersion, 2);
  PutLe(out, kWaveOffsetHeaderSize, kWaveHeaderSize, 2);
  PutLe(out, kWaveOffsetSampleType, static_cast<uint8_t>(header.sample_type), 1);
  PutLe(out, kWaveOffsetLayout, static_cast<uint8_t>(header.layout), 1);
  PutLe(out, kWaveOffsetChannels, metering::kChannelCount, 1);
  PutLe(out, kWaveOffsetFlags, header.start ? kWaveFlagStartTime : 0, 1);
  PutLe(out, kWaveOffsetSampleRate, std::bit_cast<uint64_t>(header.sample_rate_hz), 8);
  PutLe(out, kWaveOffsetSampleCount, header.sample_count, 8);
  const int64_t start_ns = header.start ? header.start->time_since_epoch().count() : 0;
  PutLe(out, kWaveOffsetStartTime, static_cast<uint64_t>(start_ns), 8);
  for (int c = 0; c < metering::kChannelCount; ++c) {
    PutLe(out, kWaveOffsetScale + 8 * c, std::bit_cast<uint64_t>(header.scale[c]), 8);
  }
  return out;
}

Result<WaveHeader> DecodeWaveHeader(std::span<const std::byte> bytes, uint64_t file_size,
                                    std::string_view name) {
  const auto bad = [name](uint64_t offset, const std::string& problem) {
    return Status::InvalidArgument("wave file '" + std::string(name) + "': byte " +
                                   std::to_string(offset) + ": " + problem);
  };
  if (file_size < kWaveHeaderSize || bytes.size() < kWaveHeaderSize) {
    return bad(file_size, "the file ends inside the " + std::to_string(kWaveHeaderSize) +
                              "-byte header (it has " + std::to_string(file_size) + " bytes)");
  }
  for (std::size_t k = 0; k < kWaveMagic.size(); ++k) {
    if (std::to_integer<char>(bytes[k]) != kWaveMagic[k]) {
      return bad(0,
                 "not a pro380 waveform file (the magic is not '" + std::string(kWaveMagic) + "')");
    }
  }
  const uint64_t version = GetLe(bytes, kWaveOffsetVersion, 2);
  if (version != kWaveVersion) {
    return bad(kWaveOffsetVersion, "version " + std::to_string(version) +
                                       " is not supported (this build reads version " +
                                       std::to_string(kWaveVersion) + ")");
  }
  const uint64_t header_size = GetLe(bytes, kWaveOffsetHeaderSize, 2);
  if (header_size != kWaveHeaderSize) {
    return bad(kWaveOffsetHeaderSize, "header size " + std::to_string(header_size) + " is not " +
                                          std::to_string(kWaveHeaderSize));
  }
  WaveHeader h;
  const uint64_t type = GetLe(bytes, kWaveOffsetSampleType, 1);
  if (type < 1 || type > 3) {
    return bad(kWaveOffsetSampleType, "sample type " + std::to_string(type) +
                                          " is not 1 (int16), 2 (int32) or 3 (float32)");
  }
  h.sample_type = static_cast<metering::SampleType>(type);
  const uint64_t layout = GetLe(bytes, kWaveOffsetLayout, 1);
  if (layout > 1) {
    return bad(kWaveOffsetLayout,
               "layout " + std::to_string(layout) + " is not 0 (planar) or 1 (interleaved)");
  }
  h.layout = static_cast<WaveLayout>(layout);
  const uint64_t channels = GetLe(bytes, kWaveOffsetChannels, 1);
  if (channels != metering::kChannelCount) {
    return bad(kWaveOffsetChannels,
               "channel count " + std::to_string(channels) + " is not 6 (v1, i1, v2, i2, v3, i3)");
  }
  const uint64_t flags = GetLe(bytes, kWaveOffsetFlags, 1);
  if ((flags & ~uint64_t{kWaveFlagStartTime}) != 0) {
    return bad(kWaveOffsetFlags, "unknown flag bits in " + std::to_string(flags) +
                                     " (only bit 0, start time, is defined)");
  }
  h.sample_rate_hz = GetDouble(bytes, kWaveOffsetSampleRate);
  if (!(h.sample_rate_hz >= metering::kMinSampleRateHz &&
        h.sample_rate_hz <= metering::kMaxSampleRateHz)) {
    return bad(kWaveOffsetSampleRate, "sample rate " + Text(h.sample_rate_hz) + " Hz is outside " +
                                          Text(metering::kMinSampleRateHz) + ".." +
                                          Text(metering::kMaxSampleRateHz) + " Hz");
  }
  h.sample_count = GetLe(bytes, kWaveOffsetSampleCount, 8);
  // Keeps the data size far from overflow: 2^56 samples is ~10^6 years at 1 MHz.
  if (h.sample_count >= (uint64_t{1} << 56)) {
    return bad(kWaveOffsetSampleCount,
               "sample count " + std::to_string(h.sample_count) + " is impossibly large");
  }
  const auto start_ns = static_cast<int64_t>(GetLe(bytes, kWaveOffsetStartTime, 8));
  if (flags & kWaveFlagStartTime) {
    h.start = TimePoint(Duration(start_ns));
  } else if (start_ns != 0) {
    return bad(kWaveOffsetStartTime, "a start time is given but flag bit 0 is clear");
  }
  for (int c = 0; c < metering::kChannelCount; ++c) {
    h.scale[c] = GetDouble(bytes, kWaveOffsetScale + 8 * c);
    if (!(std::isfinite(h.scale[c]) && h.scale[c] > 0)) {
      return bad(kWaveOffsetScale + 8 * c, "scale of " + std::string(kChannelNames[c]) + " is " +
                                               Text(h.scale[c]) + "; it must be positive");
    }
  }
  if (GetLe(bytes, kWaveOffsetReserved, 8) != 0) {
    return bad(kWaveOffsetReserved, "reserved bytes are not zero");
  }
  const uint64_t data_end = kWaveHeaderSize + h.DataBytes();
  if (file_size < data_end) {
    return bad(file_size, "the file is truncated: the header promises " +
                              std::to_string(h.sample_count) + " samples per channel (" +
                              std::to_string(data_end) + " bytes in all), the file has " +
                              std::to_string(file_size) + " bytes");
  }
  if (file_size > data_end) {
    return bad(data_end, std::to_string(file_size - data_end) +
                             " unexpected bytes after the last sample (the header promises " +
                             std::to_string(h.sample_count) + " samples per channel)");
  }
  return h;
}

}  // namespace pro380::source
