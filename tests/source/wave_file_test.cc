// Waveform files: the writer and the reader round-trip every sample type and layout; every way
// a file can be malformed is refused with a message naming the file, the byte and the problem.
#include "source/wave_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "metering/waveform_front_end.h"
#include "source/open_source.h"
#include "testing/run_binary.h"
#include "testing/waveform_stimulus.h"

namespace pro380::source {
namespace {

using metering::SampleType;

std::string TempPath(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  static const std::filesystem::path dir = testing::MakeTempDir("wave-file");  // per process
  std::string test = info->name();
  for (char& ch : test) {
    if (ch == '/') ch = '_';  // parameterised tests are named Test/Param
  }
  return (dir / (test + "_" + name)).string();
}

testing::Planar Stimulus(std::size_t samples) {
  return testing::Sample(testing::Balanced(230, 7.5, 0.4, 49.9), 6400, samples);
}

std::array<std::span<const float>, 6> Spans(const testing::Planar& p) {
  std::array<std::span<const float>, 6> s;
  for (int c = 0; c < 6; ++c) s[c] = std::span<const float>(p.ch[c]);
  return s;
}

// Reads every block (at most `chunk` samples each) back as physical values.
std::array<std::vector<double>, 6> ReadAll(WaveFileReader& reader, std::size_t chunk) {
  std::array<std::vector<double>, 6> out;
  for (;;) {
    auto block = reader.Read(chunk);
    EXPECT_TRUE(block.ok());
    if (block->samples == 0) break;
    EXPECT_LE(block->samples, chunk);
    for (int c = 0; c < 6; ++c) {
      const auto* base = static_cast<const std::byte*>(block->channel[c]);
      for (std::size_t n = 0; n < block->samples; ++n) {
        const std::byte* at = base + n * block->stride * metering::SampleSize(block->type);
        double raw = 0;
        if (block->type == SampleType::kInt16) {
          int16_t x;
          std::memcpy(&x, at, 2);
          raw = x;
        } else if (block->type == SampleType::kInt32) {
          int32_t x;
          std::memcpy(&x, at, 4);
          raw = x;
        } else {
          float x;
          std::memcpy(&x, at, 4);
          raw = x;
        }
        out[c].push_back(raw * block->scale[c]);
      }
    }
  }
  return out;
}

struct Format {
  SampleType type;
  WaveLayout layout;
};

class WaveFileRoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(WaveFileRoundTrip, WriterAndReaderAgreeToTheQuantisationStep) {
  const Format f = GetParam();
  const testing::Planar samples = Stimulus(5000);
  WaveHeader header;
  header.sample_type = f.type;
  header.layout = f.layout;
  header.sample_rate_hz = 6400;
  header.start = TimePoint(std::chrono::seconds(1'767'225'600));  // 2026-01-01
  const double v_lsb = f.type == SampleType::kInt16 ? 0.02 : 1e-6;
  const double i_lsb = f.type == SampleType::kInt16 ? 0.001 : 1e-7;
  if (f.type != SampleType::kFloat32) header.scale = {v_lsb, i_lsb, v_lsb, i_lsb, v_lsb, i_lsb};
  const std::string path = TempPath("round_trip.p380w");
  ASSERT_TRUE(WriteWaveFile(path, header, Spans(samples)).ok());

  auto reader = WaveFileReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  const WaveHeader& got = (*reader)->header();
  EXPECT_EQ(got.sample_type, f.type);
  EXPECT_EQ(got.layout, f.layout);
  EXPECT_EQ(got.sample_rate_hz, 6400);
  EXPECT_EQ(got.sample_count, 5000u);
  EXPECT_EQ(got.start, header.start);
  EXPECT_EQ((*reader)->info().samples, 5000u);
  const auto values = ReadAll(**reader, 777);
  for (int c = 0; c < 6; ++c) {
    ASSERT_EQ(values[c].size(), 5000u);
    const double step = f.type == SampleType::kFloat32 ? 0 : header.scale[c];
    for (std::size_t n = 0; n < 5000; ++n) {
      const double x = samples.ch[c][n];
      ASSERT_NEAR(values[c][n], x, step / 2 + std::fabs(x) * 1e-7) << c << " " << n;
    }
  }
}

std::string FormatName(const ::testing::TestParamInfo<Format>& info) {
  const char* type = info.param.type == SampleType::kInt16   ? "Int16"
                     : info.param.type == SampleType::kInt32 ? "Int32"
                                                             : "Float32";
  return std::string(type) + (info.param.layout == WaveLayout::kPlanar ? "Planar" : "Interleaved");
}

INSTANTIATE_TEST_SUITE_P(EveryTypeAndLayout, WaveFileRoundTrip,
                         ::testing::Values(Format{SampleType::kInt16, WaveLayout::kPlanar},
                                           Format{SampleType::kInt16, WaveLayout::kInterleaved},
                                           Format{SampleType::kInt32, WaveLayout::kPlanar},
                                           Format{SampleType::kInt32, WaveLayout::kInterleaved},
                                           Format{SampleType::kFloat32, WaveLayout::kPlanar},
                                           Format{SampleType::kFloat32, WaveLayout::kInterleaved}),
                         FormatName);

TEST(WaveFile, AFloatFileMetersExactlyLikeTheSamplesItHolds) {
  const testing::Planar samples = Stimulus(3 * 6400);
  const std::string path = TempPath("float.p380w");
  ASSERT_TRUE(WriteWaveFile(path, WaveHeader{}, Spans(samples)).ok());
  auto reader = WaveFileReader::Open(path);
  ASSERT_TRUE(reader.ok());
  metering::FrontEndConfig config;
  metering::WaveformFrontEnd from_file(config), from_memory(config);
  std::vector<metering::Interval> a, b;
  for (;;) {
    auto block = (*reader)->Read(1000);
    ASSERT_TRUE(block.ok());
    if (block->samples == 0) break;
    from_file.Process(*block, [&a](const metering::Interval& i) { a.push_back(i); });
  }
  from_memory.Process(samples.Block(0, samples.samples),
                      [&b](const metering::Interval& i) { b.push_back(i); });
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t n = 0; n < a.size(); ++n) {
    EXPECT_EQ(a[n].duration, b[n].duration);
    EXPECT_EQ(a[n].phase[2].active_w, b[n].phase[2].active_w);
  }
}

TEST(WaveFile, OpenSourceGivesAFiniteWaveformSource) {
  const std::string path = TempPath("spec.p380w");
  ASSERT_TRUE(WriteWaveFile(path, WaveHeader{}, Spans(Stimulus(640))).ok());
  auto opened = OpenSource("wave:" + path, {});
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  ASSERT_NE(opened->waveform, nullptr);
  EXPECT_EQ(opened->records, nullptr);
  EXPECT_TRUE(opened->finite);
  EXPECT_EQ(opened->waveform->info().samples, 640u);
}

// --- Malformed files: each case corrupts a valid file and names the byte it expects. ---

std::vector<char> ValidFile() {
  const std::string path = TempPath("valid.p380w");
  WaveHeader header;
  header.sample_type = SampleType::kInt16;
  header.scale = {0.02, 0.001, 0.02, 0.001, 0.02, 0.001};
  EXPECT_TRUE(WriteWaveFile(path, header, Spans(Stimulus(100))).ok());
  std::ifstream in(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(in), {});
}

template <typename T>
void Put(std::vector<char>& bytes, std::size_t offset, T value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

struct Malformed {
  std::string name;
  std::function<void(std::vector<char>&)> corrupt;
  std::string byte;     // "byte N"
  std::string problem;  // a word of the message
};

class MalformedWaveFile : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedWaveFile, IsRefusedNamingTheFileTheByteAndTheProblem) {
  const Malformed& m = GetParam();
  std::vector<char> bytes = ValidFile();
  m.corrupt(bytes);
  const std::string path = TempPath("bad.p380w");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto reader = WaveFileReader::Open(path);
  ASSERT_FALSE(reader.ok());
  const Status status = reader.status();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find(path), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(m.byte + ":"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find(m.problem), std::string::npos) << status.message();
}

// The valid file: int16 planar, 100 samples per channel: 96 + 1200 = 1296 bytes.
const std::vector<Malformed> kMalformed = {
    {"Empty", [](auto& b) { b.clear(); }, "byte 0", "inside the 96-byte header"},
    {"CutInTheHeader", [](auto& b) { b.resize(50); }, "byte 50", "inside the 96-byte header"},
    {"BadMagic", [](auto& b) { b[3] = 'X'; }, "byte 0", "magic"},
    {"NewerVersion", [](auto& b) { Put<uint16_t>(b, 8, 2); }, "byte 8", "version 2"},
    {"OtherHeaderSize", [](auto& b) { Put<uint16_t>(b, 10, 64); }, "byte 10", "header size 64"},
    {"UnknownSampleType", [](auto& b) { b[12] = 7; }, "byte 12", "sample type 7"},
    {"ZeroSampleType", [](auto& b) { b[12] = 0; }, "byte 12", "sample type 0"},
    {"UnknownLayout", [](auto& b) { b[13] = 2; }, "byte 13", "layout 2"},
    {"FourChannels", [](auto& b) { b[14] = 4; }, "byte 14", "channel count 4"},
    {"UnknownFlag", [](auto& b) { b[15] = static_cast<char>(0x80); }, "byte 15", "flag"},
    {"SampleRateTooLow", [](auto& b) { Put<double>(b, 16, 100.0); }, "byte 16", "sample rate 100"},
    {"SampleRateNotANumber", [](auto& b) { Put<double>(b, 16, std::nan("")); }, "byte 16",
     "sample rate"},
    {"ImpossibleCount", [](auto& b) { Put<uint64_t>(b, 24, ~uint64_t{0}); }, "byte 24",
     "impossibly large"},
    {"StartTimeWithoutFlag", [](auto& b) { Put<int64_t>(b, 32, 12345); }, "byte 32", "flag"},
    {"ZeroScale", [](auto& b) { Put<double>(b, 48, 0.0); }, "byte 48", "scale of i1"},
    {"NegativeScale", [](auto& b) { Put<double>(b, 80, -1.0); }, "byte 80", "scale of i3"},
    {"ReservedNotZero", [](auto& b) { b[90] = 1; }, "byte 88", "reserved"},
    {"TruncatedData", [](auto& b) { b.pop_back(); }, "byte 1295", "truncated"},
    {"CountLargerThanData", [](auto& b) { Put<uint64_t>(b, 24, 101); }, "byte 1296", "truncated"},
    {"TrailingBytes", [](auto& b) { b.push_back(0); }, "byte 1296", "after the last sample"},
};

std::string MalformedName(const ::testing::TestParamInfo<Malformed>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(EveryCase, MalformedWaveFile, ::testing::ValuesIn(kMalformed),
                         MalformedName);

TEST(WaveFile, MissingFileIsRefusedNamingIt) {
  auto reader = WaveFileReader::Open("/nonexistent/dir/x.p380w");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(reader.status().message().find("/nonexistent/dir/x.p380w"), std::string::npos);
  EXPECT_NE(reader.status().message().find("cannot open"), std::string::npos);
}

TEST(WaveFile, WriterRefusesMoreSamplesThanPromisedAndReportsTooFew) {
  const testing::Planar samples = Stimulus(10);
  WaveHeader header;
  header.sample_count = 5;
  auto writer = WaveFileWriter::Create(TempPath("short.p380w"), header);
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(writer->Append(Spans(samples)).ok());
  EXPECT_EQ(writer->Close().code(), Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace pro380::source
