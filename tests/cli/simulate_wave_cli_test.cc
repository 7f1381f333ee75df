// `pro380 simulate --source wave:FILE` as a user runs it, on files this test writes itself from
// docs/formats/waveform.md (an encoder independent of the project's writer): the registered
// energy and the values shown match the analytic stimulus, --duration cuts the file, the wiring
// option applies, and malformed files end with exit status 2 and a message naming the problem.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>
#include <vector>

#include "testing/run_binary.h"
#include "testing/waveform_stimulus.h"

namespace pro380 {
namespace {

constexpr double kFs = 6400;

// The 96-byte version-1 header (little-endian), float32 samples, planar, unit scales.
std::vector<char> Float32PlanarFile(const testing::Planar& p) {
  std::vector<char> out(96, 0);
  const auto put = [&out](std::size_t offset, const void* value, std::size_t size) {
    std::memcpy(out.data() + offset, value, size);
  };
  std::memcpy(out.data(), "P380WAVE", 8);
  const uint16_t version = 1, header_size = 96;
  put(8, &version, 2);
  put(10, &header_size, 2);
  out[12] = 3;  // float32
  out[13] = 0;  // planar
  out[14] = 6;  // channels
  out[15] = 0;  // flags: no start time
  put(16, &kFs, 8);
  const uint64_t count = p.samples;
  put(24, &count, 8);
  for (int c = 0; c < 6; ++c) {
    const double one = 1.0;
    put(40 + 8 * c, &one, 8);
  }
  for (int c = 0; c < 6; ++c) {
    const auto* bytes = reinterpret_cast<const char*>(p.ch[c].data());
    out.insert(out.end(), bytes, bytes + p.samples * sizeof(float));
  }
  return out;
}

std::string WriteFile(const std::string& name, const std::vector<char>& bytes) {
  static const std::string dir = testing::MakeTempDir("wave-cli");
  const std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

// 10 s of 230 V, 20 A, PF 0.8 inductive on each phase at 50 Hz.
const testing::Planar& TenSeconds() {
  static const testing::Planar p =
      testing::Sample(testing::Balanced(230, 20, std::acos(0.8), 50), kFs, 10 * 6400);
  return p;
}

nlohmann::json Simulate(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"simulate", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = testing::RunPro380(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

TEST(SimulateWaveCli, RegistersTheEnergyOfTheWholeFile) {
  const std::string path = WriteFile("pf08.p380w", Float32PlanarFile(TenSeconds()));
  const nlohmann::json j = Simulate({"--source", "wave:" + path});
  ASSERT_TRUE(j.is_object());
  const auto& q = j["quantities"];
  // P = 3 · 230 · 20 · 0.8 = 11 040 W, Q1 = 8 280 var, for 10 s.
  EXPECT_NEAR(q["active_energy_kwh"].get<double>(), 11040 * 10 / 3.6e6, 1e-8);
  EXPECT_NEAR(q["forward_reactive_energy_kvarh"].get<double>(), 8280 * 10 / 3.6e6, 1e-8);
  EXPECT_EQ(q["reverse_active_energy_kwh"].get<double>(), 0);
  EXPECT_NEAR(q["voltage_l2_v"].get<double>(), 230, 0.05);
  EXPECT_NEAR(q["current_l3_a"].get<double>(), 20, 0.005);
  EXPECT_NEAR(q["active_power_kw"].get<double>(), 11.04, 0.005);
  EXPECT_NEAR(q["power_factor"].get<double>(), 0.8, 1e-4);
  EXPECT_NEAR(q["frequency_hz"].get<double>(), 50, 1e-4);
  EXPECT_EQ(q["quadrant"].get<int>(), 1);
  EXPECT_EQ(j["meter"]["end"], "2026-01-01T00:00:10Z");
  EXPECT_DOUBLE_EQ(j["meter"]["simulated_seconds"].get<double>(), 10);
  EXPECT_EQ(j["source"], "wave:" + path);
}

TEST(SimulateWaveCli, DurationStopsBeforeTheEndOfTheFile) {
  const std::string path = WriteFile("cut.p380w", Float32PlanarFile(TenSeconds()));
  const nlohmann::json j = Simulate({"--source", "wave:" + path, "--duration", "4s"});
  EXPECT_NEAR(j["quantities"]["active_energy_kwh"].get<double>(), 11040 * 4 / 3.6e6, 1e-8);
  EXPECT_EQ(j["meter"]["end"], "2026-01-01T00:00:04Z");
  // A duration beyond the end of the file ends with the file.
  const nlohmann::json k = Simulate({"--source", "wave:" + path, "--duration", "1h"});
  EXPECT_EQ(k["meter"]["end"], "2026-01-01T00:00:10Z");
}

TEST(SimulateWaveCli, ThreeWireMeterShowsLineVoltagesAndTheSameTotal) {
  const std::string path = WriteFile("aron.p380w", Float32PlanarFile(TenSeconds()));
  const nlohmann::json j = Simulate({"--source", "wave:" + path, "--wiring", "3p3w"});
  const auto& q = j["quantities"];
  EXPECT_NEAR(q["active_energy_kwh"].get<double>(), 11040 * 10 / 3.6e6, 1e-8);
  EXPECT_NEAR(q["voltage_l1_v"].get<double>(), 230 * std::sqrt(3.0), 0.1);
  EXPECT_EQ(j["meter"]["wiring"], "3p3w");
}

TEST(SimulateWaveCli, CtMeterRegistersPrimaryEnergy) {
  // 1/20 of the current at the terminals of a 100/5 CT meter: the same primary energy.
  const testing::Planar p =
      testing::Sample(testing::Balanced(230, 1, std::acos(0.8), 50), kFs, 10 * 6400);
  const std::string path = WriteFile("ct.p380w", Float32PlanarFile(p));
  const nlohmann::json j = Simulate({"--source", "wave:" + path, "--ct", "100"});
  EXPECT_NEAR(j["quantities"]["active_energy_kwh"].get<double>(), 11040 * 10 / 3.6e6, 1e-8);
}

struct BadFile {
  std::string name;
  std::vector<char> bytes;
  std::string must_mention;
};

TEST(SimulateWaveCli, MalformedFilesExitTwoNamingTheProblem) {
  const std::vector<char> good = Float32PlanarFile(TenSeconds());
  std::vector<char> bad_magic = good;
  bad_magic[0] = 'X';
  std::vector<char> truncated(good.begin(), good.end() - 4);
  std::vector<char> bad_rate = good;
  const double rate = 10;
  std::memcpy(bad_rate.data() + 16, &rate, 8);
  const std::vector<BadFile> cases = {
      {"magic.p380w", bad_magic, "byte 0: not a pro380 waveform file"},
      {"truncated.p380w", truncated, "truncated"},
      {"rate.p380w", bad_rate, "byte 16: sample rate 10 Hz"},
  };
  for (const BadFile& c : cases) {
    const std::string path = WriteFile(c.name, c.bytes);
    const auto r = testing::RunPro380({"simulate", "--json", "--source", "wave:" + path});
    EXPECT_EQ(r.exit_code, 2) << c.name;
    EXPECT_EQ(r.out, "") << c.name;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.must_mention), std::string::npos) << r.err;
  }
  // Finite float samples whose cycles measure beyond the input limits (metering/input_limits.h).
  testing::Planar huge = TenSeconds();
  for (std::size_t n = 6400; n < huge.samples; ++n) huge.ch[0][n] *= 1e6F;
  const std::string huge_path = WriteFile("huge.p380w", Float32PlanarFile(huge));
  const auto beyond = testing::RunPro380({"simulate", "--json", "--source", "wave:" + huge_path});
  EXPECT_EQ(beyond.exit_code, 2);
  EXPECT_EQ(beyond.out, "");
  EXPECT_NE(beyond.err.find("--source 'wave:" + huge_path + "': samples 6"), std::string::npos)
      << beyond.err;
  EXPECT_NE(beyond.err.find("phase 1 voltage"), std::string::npos) << beyond.err;
  EXPECT_NE(beyond.err.find("is outside 0..300 V"), std::string::npos) << beyond.err;
  const auto missing = testing::RunPro380({"simulate", "--source", "wave:/no/such/file.p380w"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("/no/such/file.p380w"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace pro380
