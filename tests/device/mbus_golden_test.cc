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
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "device/pro380_mbus_device.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/stream_framer.h"
#include "testing/golden_transcript.h"

namespace pro380::device {
namespace {

using pro380::testing::Bytes;
using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

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

// "! NAME VALUE" setup, "> HEX" requests, "< HEX" or "< none", "= NAME VALUE" counters.
std::optional<GoldenCase> ToCase(const TranscriptBlock& block, std::string& error) {
  GoldenCase golden{block.where, block.title, {}, {}, {}};
  for (const TranscriptLine& line : block.lines) {
    const auto bytes = testing::ParseHex(line.text);
    const auto named = testing::ParseNameValue(line.text);
    if (line.marker == '>' && bytes) {
      golden.exchanges.push_back({*bytes, std::nullopt});
    } else if (line.marker == '<' && !golden.exchanges.empty() && line.text == "none") {
    } else if (line.marker == '<' && !golden.exchanges.empty() && bytes) {
      golden.exchanges.back().reply = *bytes;
    } else if (line.marker == '=' && named) {
      golden.counters.push_back({golden.exchanges.size(), named->first, named->second});
    } else if (line.marker == '!' && named) {
      golden.setup.emplace_back(named->first, static_cast<uint32_t>(named->second));
    } else {
      error = testing::CannotRead(line);
      return std::nullopt;
    }
  }
  return golden;
}

std::vector<GoldenCase> LoadAllCases(std::string& error) {
  return testing::LoadCases<GoldenCase>("mbus", {"mbus"}, ToCase, error);
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
          EXPECT_EQ(testing::HexString(heard), testing::HexString(*e.reply)) << label;
        } else {
          EXPECT_TRUE(heard.empty()) << label << ": heard " << testing::HexString(heard);
        }
        check(i + 1);
      }
      if (::testing::Test::HasFailure()) return;  // one report per broken case is enough
    }
  }
}

}  // namespace
}  // namespace pro380::device
