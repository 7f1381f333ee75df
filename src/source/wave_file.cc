#include "source/wave_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace pro380::source {
namespace {

// Samples are used in place from the mapping, so the host must share the file's byte order.
static_assert(std::endian::native == std::endian::little,
              "waveform files are little-endian; this reader maps them as they are");

std::string Quoted(const std::string& path) { return "wave file '" + path + "'"; }

Status SystemError(const std::string& path, const std::string& what) {
  return Status::InvalidArgument(Quoted(path) + ": " + what + ": " + std::strerror(errno));
}

template <typename Raw>
Raw Quantise(float value, double scale) {
  if constexpr (std::is_same_v<Raw, float>) {
    return static_cast<float>(value / scale);
  } else {
    const double raw = std::nearbyint(value / scale);
    constexpr double kLow = std::numeric_limits<Raw>::min();
    constexpr double kHigh = std::numeric_limits<Raw>::max();
    return static_cast<Raw>(std::isnan(raw) ? 0.0 : std::clamp(raw, kLow, kHigh));
  }
}

// Appends `count` raw samples of one channel to `out`, `stride` samples apart starting at
// sample `first` of a buffer laid out for `stride` channels.
template <typename Raw>
void Encode(std::span<const float> values, double scale, std::size_t first, std::size_t stride,
            std::byte* out) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    const Raw raw = Quantise<Raw>(values[k], scale);
    std::memcpy(out + (k * stride + first) * sizeof(Raw), &raw, sizeof(Raw));
  }
}

void EncodeChannel(metering::SampleType type, std::span<const float> values, double scale,
                   std::size_t first, std::size_t stride, std::byte* out) {
  switch (type) {
    case metering::SampleType::kInt16:
      Encode<int16_t>(values, scale, first, stride, out);
      break;
    case metering::SampleType::kInt32:
      Encode<int32_t>(values, scale, first, stride, out);
      break;
    case metering::SampleType::kFloat32:
      Encode<float>(values, scale, first, stride, out);
      break;
  }
}

}  // namespace

Result<std::unique_ptr<WaveFileReader>> WaveFileReader::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return SystemError(path, "cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const Status status = SystemError(path, "cannot stat");
    ::close(fd);
    return status;
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(Quoted(path) + ": not a regular file");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  std::array<std::byte, kWaveHeaderSize> head{};
  const ssize_t got = ::pread(fd, head.data(), head.size(), 0);
  if (got < 0) {
    const Status status = SystemError(path, "cannot read");
    ::close(fd);
    return status;
  }
  auto header = DecodeWaveHeader(std::span(head).first(static_cast<std::size_t>(got)), size, path);
  if (!header.ok()) {
    ::close(fd);
    return header.status();
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping keeps the file
  if (map == MAP_FAILED) {
    errno = map_errno;
    return SystemError(path, "cannot map");
  }
  ::madvise(map, size, MADV_SEQUENTIAL);  // advice only; failure changes nothing
  return std::unique_ptr<WaveFileReader>(
      new WaveFileReader(*header, static_cast<const std::byte*>(map), size));
}

WaveFileReader::WaveFileReader(const WaveHeader& header, const std::byte* map, std::size_t map_size)
    : header_(header), map_(map), map_size_(map_size) {
  info_.sample_rate_hz = header.sample_rate_hz;
  info_.samples = header.sample_count;
  info_.start = header.start;
}

WaveFileReader::~WaveFileReader() { ::munmap(const_cast<std::byte*>(map_), map_size_); }

Result<metering::SampleBlock> WaveFileReader::Read(std::size_t max_samples) {
  metering::SampleBlock block;
  block.type = header_.sample_type;
  block.scale = header_.scale;
  const uint64_t count = std::min<uint64_t>(max_samples, header_.sample_count - next_);
  const std::size_t size = metering::SampleSize(header_.sample_type);
  const std::byte* data = map_ + kWaveHeaderSize;
  for (int c = 0; c < metering::kChannelCount; ++c) {
    const uint64_t index = header_.layout == WaveLayout::kPlanar
                               ? c * header_.sample_count + next_
                               : next_ * metering::kChannelCount + c;
    block.channel[c] = data + index * size;
  }
  block.stride = header_.layout == WaveLayout::kPlanar ? 1 : metering::kChannelCount;
  block.samples = static_cast<std::size_t>(count);
  next_ += count;
  return block;
}

Result<WaveFileWriter> WaveFileWriter::Create(const std::string& path, const WaveHeader& header) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return SystemError(path, "cannot create");
  WaveFileWriter writer(fd, header, path);
  const auto head = EncodeWaveHeader(header);
  const Status status = writer.WriteAt(0, std::vector<std::byte>(head.begin(), head.end()));
  if (!status.ok()) return status;
  return writer;
}

WaveFileWriter::WaveFileWriter(int fd, const WaveHeader& header, std::string path)
    : fd_(fd), header_(header), path_(std::move(path)) {}

WaveFileWriter::WaveFileWriter(WaveFileWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      header_(other.header_),
      path_(std::move(other.path_)),
      written_(other.written_),
      buffer_(std::move(other.buffer_)) {}

WaveFileWriter& WaveFileWriter::operator=(WaveFileWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    header_ = other.header_;
    path_ = std::move(other.path_);
    written_ = other.written_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

WaveFileWriter::~WaveFileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status WaveFileWriter::WriteAt(uint64_t offset, const std::vector<std::byte>& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(Quoted(path_) + ": write failed: " + std::strerror(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status WaveFileWriter::Append(
    const std::array<std::span<const float>, metering::kChannelCount>& channels) {
  const std::size_t count = channels[0].size();
  for (const auto& channel : channels) {
    if (channel.size() != count) {
      return Status::InvalidArgument(Quoted(path_) + ": channels of different lengths");
    }
  }
  if (written_ + count > header_.sample_count) {
    return Status::InvalidArgument(Quoted(path_) + ": more samples than the header promises (" +
                                   std::to_string(header_.sample_count) + ")");
  }
  const std::size_t size = metering::SampleSize(header_.sample_type);
  if (header_.layout == WaveLayout::kInterleaved) {
    buffer_.resize(count * metering::kChannelCount * size);
    for (int c = 0; c < metering::kChannelCount; ++c) {
      EncodeChannel(header_.sample_type, channels[c], header_.scale[c], c, metering::kChannelCount,
                    buffer_.data());
    }
    const Status status =
        WriteAt(kWaveHeaderSize + written_ * metering::kChannelCount * size, buffer_);
    if (!status.ok()) return status;
  } else {
    buffer_.resize(count * size);
    for (int c = 0; c < metering::kChannelCount; ++c) {
      EncodeChannel(header_.sample_type, channels[c], header_.scale[c], 0, 1, buffer_.data());
      const Status status =
          WriteAt(kWaveHeaderSize + (c * header_.sample_count + written_) * size, buffer_);
      if (!status.ok()) return status;
    }
  }
  written_ += count;
  return Status::Ok();
}

Status WaveFileWriter::Close() {
  if (fd_ < 0) return Status::Ok();
  const int fd = std::exchange(fd_, -1);
  const bool closed = ::close(fd) == 0;
  if (written_ != header_.sample_count) {
    return Status::FailedPrecondition(Quoted(path_) + ": " + std::to_string(written_) + " of " +
                                      std::to_string(header_.sample_count) + " samples written");
  }
  if (!closed) return Status::IoError(Quoted(path_) + ": close failed: " + std::strerror(errno));
  return Status::Ok();
}

Status WriteWaveFile(const std::string& path, WaveHeader header,
                     const std::array<std::span<const float>, metering::kChannelCount>& channels) {
  header.sample_count = channels[0].size();
  auto writer = WaveFileWriter::Create(path, header);
  if (!writer.ok()) return writer.status();
  const Status appended = writer->Append(channels);
  if (!appended.ok()) return appended;
  return writer->Close();
}

}  // namespace pro380::source
