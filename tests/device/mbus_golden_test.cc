// Replays the golden transcripts of tests/golden/mbus/*.md (format: docs/protocols/mbus.md,
// "Golden transcripts") through the M-Bus framer, the slave engine and the PRO380-Mb device
// (a new meter: no energy, no load), at every chunk size: each request is fed in chunks of
// 1..len bytes, all at one time point, and the replies of the whole request are compared.
//
// A case is a fenced block ```mbus with lines
//   ! serial N | ! primary N | ! secondary N   meter setup before the first request
//   > HEX                                      a request (any bytes: noise and damage too)
//   < HEX | < none                             the bytes the master hears after it
//   = NAME VALUE                               a counter after the exchanges above it
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "device/pro380_mbus_device.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/stream_framer.h"

namespace pro380::device {
namespace {

using Bytes = std::vector<uint8_t>;

struct Exchange {
  Bytes request;
  std::optional<Bytes> reply;  // nullopt: nothing heard
};

struct GoldenCase {
  std::string where;
  std::string title;
  std::vector<std::pair<std::string, uint32_t>> setup;
  std::vector<Exchange> exchanges;
  struct Check {
    std::size_t after;  // the number of exchanges before it
    std::string name;
    uint64_t value;
  };
  std::vector<Check> counters;
};

bool ParseHex(const std::string& text, Bytes& out) {
  out.clear();
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    if (token.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < token.size(); i += 2) {
      char* end = nullptr;
      const std::string pair = token.substr(i, 2);
      const long value = std::strtol(pair.c_str(), &end, 16);
      if (end != pair.c_str() + 2) return false;
      out.push_back(static_cast<uint8_t>(value));
    }
  }
  return !out.empty();
}

std::vector<GoldenCase> ParseFile(const std::string& file, const std::string& text,
                                  std::string& error) {
  std::vector<GoldenCase> cases;
  std::istringstream in(text);
  std::string line;
  std::string title;
  std::optional<GoldenCase> open;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = file + ":" + std::to_string(number);
    if (!open) {
      if (line.rfind("## ", 0) == 0) title = line.substr(3);
      if (line == "```mbus") open = GoldenCase{where, title, {}, {}, {}};
      continue;
    }
    if (line == "```") {
      cases.push_back(std::move(*open));
      open.reset();
      continue;
    }
    if (line.size() < 2 || line[1] != ' ') {
      error = where + ": expected '> HEX', '< HEX|none', '= NAME VALUE' or '! NAME VALUE'";
      return {};
    }
    const std::string rest = line.substr(2);
    Bytes bytes;
    std::istringstream fields(rest);
    std::string name;
    uint64_t value = 0;
    if (line[0] == '>' && ParseHex(rest, bytes)) {
      open->exchanges.push_back({bytes, std::nullopt});
    } else if (line[0] == '<' && !open->exchanges.empty() && rest == "none") {
    } else if (line[0] == '<' && !open->exchanges.empty() && ParseHex(rest, bytes)) {
      open->exchanges.back().reply = bytes;
    } else if ((line[0] == '=' || line[0] == '!') && (fields >> name >> value)) {
      if (line[0] == '=') {
        open->counters.push_back({open->exchanges.size(), name, value});
      } else {
        open->setup.emplace_back(name, static_cast<uint32_t>(value));
      }
    } else {
      error = where + ": cannot read '" + line + "'";
      return {};
    }
  }
  if (open) error = file + ": fence opened at " + open->where + " is not closed";
  return cases;
}

std::filesystem::path GoldenDir() {
  const char* env = std::getenv("PRO380_SOURCE_DIR");
  const std::filesystem::path source_dir =
      env != nullptr ? std::filesystem::path(env)
                     : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return source_dir / "tests" / "golden" / "mbus";
}

std::vector<GoldenCase> LoadAllCases(std::string& error) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<GoldenCase> all;
  for (const auto& path : files) {
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cases = ParseFile(path.filename().string(), text, error);
    if (!error.empty()) return {};
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
}

struct Engines {
  explicit Engines(const GoldenCase& golden) : meter(metering::MeterConfig{}) {
    settings.serial_number = 12345678;
    for (const auto& [name, value] : golden.setup) {
      if (name == "serial") settings.serial_number = value;
      if (name == "primary") settings.mbus_primary_address = static_cast<int>(value);
      if (name == "secondary") settings.mbus_secondary_address = value;
    }
  }

  std::optional<uint64_t> Counter(const std::string& name) const {
    const mbus::FramerCounters& f = framer.counters();
    const mbus::SlaveCounters& s = slave.counters();
    const std::map<std::string, uint64_t> all = {
        {"framer.bytes", f.bytes},
        {"framer.frames", f.frames},
        {"framer.checksum_errors", f.checksum_errors},
        {"framer.length_errors", f.length_errors},
        {"framer.stop_errors", f.stop_errors},
        {"framer.incomplete", f.incomplete},
        {"framer.skipped_bytes", f.skipped_bytes},
        {"slave.requests", s.requests},
        {"slave.data_replies", s.data_replies},
        {"slave.acks", s.acks},
        {"slave.repeats", s.repeats},
        {"slave.broadcasts", s.broadcasts},
        {"slave.other_address", s.other_address},
        {"slave.unselected", s.unselected},
        {"slave.selections", s.selections},
        {"slave.deselections", s.deselections},
        {"slave.writes", s.writes},
        {"slave.writes_refused", s.writes_refused},
        {"slave.baud_changes", s.baud_changes},
        {"slave.unsupported", s.unsupported},
        {"slave.ignored", s.ignored},
        {"meter.primary", static_cast<uint64_t>(settings.mbus_primary_address)},
        {"meter.secondary", MbusSecondaryAddress(settings)},
        {"meter.baud", static_cast<uint64_t>(settings.mbus_baud_rate)},
        {"meter.s0_rate", static_cast<uint64_t>(meter.config().s0_rate.impulses_per_kwh)},
    };
    const auto found = all.find(name);
    if (found == all.end()) return std::nullopt;
    return found->second;
  }

  DeviceSettings settings;
  metering::Meter meter;
  Pro380MbusDevice device{meter, settings};
  mbus::Slave slave{device};
  mbus::StreamFramer framer{std::chrono::milliseconds(50)};
};

std::string Hex(const Bytes& bytes) {
  std::string out;
  char buffer[4];
  for (const uint8_t b : bytes) {
    std::snprintf(buffer, sizeof buffer, "%02X ", b);
    out += buffer;
  }
  if (!out.empty()) out.pop_back();
  return out;
}

TEST(MbusGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const std::vector<GoldenCase> cases = LoadAllCases(error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_GE(cases.size(), 10u);
  for (const GoldenCase& golden : cases) {
    std::size_t longest = 1;
    for (const Exchange& e : golden.exchanges) longest = std::max(longest, e.request.size());
    for (std::size_t chunk = 1; chunk <= longest; ++chunk) {
      Engines engines(golden);
      const TimePoint t{};
      const auto check = [&](std::size_t done) {
        for (const GoldenCase::Check& c : golden.counters) {
          if (c.after != done) continue;
          const std::optional<uint64_t> actual = engines.Counter(c.name);
          ASSERT_TRUE(actual.has_value()) << golden.where << ": no counter " << c.name;
          EXPECT_EQ(*actual, c.value) << golden.where << " (" << golden.title << "): " << c.name
                                      << " after exchange " << done << ", chunk " << chunk;
        }
      };
      check(0);
      for (std::size_t i = 0; i < golden.exchanges.size(); ++i) {
        const Exchange& e = golden.exchanges[i];
        Bytes heard;
        for (std::size_t at = 0; at < e.request.size(); at += chunk) {
          engines.framer.Feed(
              std::span(e.request).subspan(at, std::min(chunk, e.request.size() - at)), t);
          while (auto event = engines.framer.Next(t)) {
            const auto* frame = std::get_if<mbus::Frame>(&*event);
            if (!frame) continue;
            auto reply = engines.slave.Handle(*frame, {"mbus", "golden", frame->address, t});
            if (reply) heard.insert(heard.end(), reply->begin(), reply->end());
          }
        }
        const std::string label = golden.where + " (" + golden.title + "), exchange " +
                                  std::to_string(i + 1) + ", chunk " + std::to_string(chunk);
        if (e.reply) {
          EXPECT_EQ(Hex(heard), Hex(*e.reply)) << label;
        } else {
          EXPECT_TRUE(heard.empty()) << label << ": heard " << Hex(heard);
        }
        check(i + 1);
      }
      if (::testing::Test::HasFailure()) return;  // one report per broken case is enough
    }
  }
}

}  // namespace
}  // namespace pro380::device
