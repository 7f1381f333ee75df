// Fuzz target: the waveform file header decoder (source/wave_format.h). The input is the start
// of a file; its size is the input size or, picked by the last byte, a size the header promises
// (so the size checks after the header fields are reached). Invariants: a header that decodes
// promises exactly the file's size, has a sample rate in range and positive finite scales, and
// encodes back to the same 96 bytes; a failure is InvalidArgument naming the file.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz_check.h"
#include "metering/waveform_front_end.h"
#include "source/wave_format.h"

namespace {

using pro380::Status;
using pro380::fuzz::Check;
namespace source = pro380::source;

uint64_t PromisedSize(std::span<const std::byte> bytes) {
  if (bytes.size() < source::kWaveHeaderSize) return bytes.size();
  uint64_t count = 0;
  std::memcpy(&count, bytes.data() + source::kWaveOffsetSampleCount, sizeof(count));
  const auto type = std::to_integer<uint8_t>(bytes[source::kWaveOffsetSampleType]);
  const uint64_t sample_size = type == 1 ? 2 : 4;
  return source::kWaveHeaderSize + (count & ((uint64_t{1} << 56) - 1)) * 6 * sample_size;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const bool promised = size > 0 && (data[size - 1] & 1) != 0;
  const uint64_t file_size = promised ? PromisedSize(bytes) : size;
  // The decoder may only look at min(file_size, 96) bytes.
  const std::span<const std::byte> head = bytes.first(static_cast<std::size_t>(
      std::min<uint64_t>({file_size, uint64_t{source::kWaveHeaderSize}, uint64_t{size}})));
  auto header = source::DecodeWaveHeader(head, file_size, "fuzz.p380w");
  if (!header.ok()) {
    Check(header.status().code() == Status::Code::kInvalidArgument, "errors are InvalidArgument");
    Check(header.status().message().starts_with("wave file 'fuzz.p380w': byte "),
          "errors name the file and the byte");
    return 0;
  }
  Check(source::kWaveHeaderSize + header->DataBytes() == file_size,
        "the header promises exactly the file's size");
  Check(header->sample_rate_hz >= pro380::metering::kMinSampleRateHz &&
            header->sample_rate_hz <= pro380::metering::kMaxSampleRateHz,
        "the sample rate is in range");
  for (double scale : header->scale) {
    Check(std::isfinite(scale) && scale > 0, "scales are positive and finite");
  }
  const auto encoded = source::EncodeWaveHeader(*header);
  Check(std::equal(encoded.begin(), encoded.end(), head.begin()),
        "a decoded header encodes back to the same bytes");
  return 0;
}
