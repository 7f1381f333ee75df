// Waveform files (source/wave_format.h, docs/formats/waveform.md): a reader that maps the file
// and hands out blocks in place (no copy, whatever the sample type and layout), and a writer for
// tests and example files.
//
// Thread safety: none; one user per object.
#ifndef PRO380_SOURCE_WAVE_FILE_H_
#define PRO380_SOURCE_WAVE_FILE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "metering/sample_block.h"
#include "source/wave_format.h"
#include "source/waveform_source.h"

namespace pro380::source {

class WaveFileReader final : public WaveformSource {
 public:
  // Opens and checks `path`. A missing, unreadable or malformed file is InvalidArgument naming
  // the file and, for a malformed one, the byte offset and the problem.
  static Result<std::unique_ptr<WaveFileReader>> Open(const std::string& path);

  ~WaveFileReader() override;
  WaveFileReader(const WaveFileReader&) = delete;
  WaveFileReader& operator=(const WaveFileReader&) = delete;

  const WaveformInfo& info() const override { return info_; }
  const WaveHeader& header() const { return header_; }
  // Blocks point into the mapped file: planar channels with stride 1, interleaved with stride 6.
  Result<metering::SampleBlock> Read(std::size_t max_samples) override;

 private:
  WaveFileReader(const WaveHeader& header, const std::byte* map, std::size_t map_size);

  WaveHeader header_;
  WaveformInfo info_;
  const std::byte* map_;  // the whole file, read-only
  std::size_t map_size_;
  uint64_t next_ = 0;  // next sample index per channel
};

// Writes a waveform file front to back. Samples are given as physical values (V, A) and stored
// as raw = value / scale, rounded to nearest and saturated for the integer types.
class WaveFileWriter {
 public:
  // Creates (or truncates) `path` for `header.sample_count` samples per channel.
  static Result<WaveFileWriter> Create(const std::string& path, const WaveHeader& header);

  WaveFileWriter(WaveFileWriter&& other) noexcept;
  WaveFileWriter& operator=(WaveFileWriter&& other) noexcept;
  WaveFileWriter(const WaveFileWriter&) = delete;
  WaveFileWriter& operator=(const WaveFileWriter&) = delete;
  ~WaveFileWriter();

  // Appends the same number of samples to every channel. REQUIRES: no more in total than the
  // header's sample count.
  Status Append(const std::array<std::span<const float>, metering::kChannelCount>& channels);
  // Fails unless every promised sample was appended; the file is complete only then.
  Status Close();

 private:
  WaveFileWriter(int fd, const WaveHeader& header, std::string path);
  Status WriteAt(uint64_t offset, const std::vector<std::byte>& bytes);

  int fd_ = -1;
  WaveHeader header_;
  std::string path_;
  uint64_t written_ = 0;  // samples per channel
  std::vector<std::byte> buffer_;
};

// Creates `path` holding exactly these samples (all channels the same length).
Status WriteWaveFile(const std::string& path, WaveHeader header,
                     const std::array<std::span<const float>, metering::kChannelCount>& channels);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_WAVE_FILE_H_
