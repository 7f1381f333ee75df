// Replays the golden transcripts of tests/golden/iec62056/*.md (format: docs/protocols/
// iec62056.md, "Golden transcripts") through the IEC 62056-21 server and the PRO380 data set, at
// every chunk size: each message is fed in chunks of 1..len characters, 1 ms apart (well inside
// the inter-character time); after a message every answer it caused is taken, however long the
// line needs for it; `~ MS` lets MS milliseconds pass (timeouts). The meter of every case is the
// manual's example (§6.10: L1 +5 kW, L2 +5 kW, L3 −12 kW) after one hour, serial 22091039.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "device/pro380_iec_provider.h"
#include "protocol/iec62056/server.h"
#include "testing/const_load_hour.h"
#include "testing/golden_transcript.h"
#include "testing/iec_text.h"

namespace pro380::device {
namespace {

using iec62056::Action;
using iec62056::Server;
using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

struct Step {
  enum class Kind { kSend, kWait } kind;
  std::string chars;     // kSend
  Duration wait{};       // kWait
  std::string expected;  // the actions that follow, "[baud N]" for a rate change
  bool expected_set = false;
};

struct GoldenCase {
  std::string where;
  std::string title;
  std::vector<Step> steps;
  std::vector<std::pair<std::string, uint64_t>> counters;
};

// "> TEXT" sends, "~ MS" waits, "< TEXT" (several lines add up) or "< none" is what the step
// caused, "= NAME VALUE" counters after the case.
std::optional<GoldenCase> ToCase(const TranscriptBlock& block, std::string& error) {
  GoldenCase golden{block.where, block.title, {}, {}};
  for (const TranscriptLine& line : block.lines) {
    const auto chars = testing::UnescapeIec(line.text);
    const auto counter = testing::ParseNameValue(line.text);
    const bool number =
        !line.text.empty() && line.text.find_first_not_of("0123456789") == std::string::npos;
    if (line.marker == '>' && chars) {
      golden.steps.push_back({Step::Kind::kSend, *chars, {}, {}, false});
    } else if (line.marker == '~' && number) {
      golden.steps.push_back(
          {Step::Kind::kWait, {}, std::chrono::milliseconds(std::stol(line.text)), {}, false});
    } else if (line.marker == '<' && !golden.steps.empty() && (line.text == "none" || chars)) {
      Step& step = golden.steps.back();
      step.expected_set = true;
      if (line.text != "none") step.expected += *chars;
    } else if (line.marker == '=' && counter) {
      golden.counters.push_back(*counter);
    } else {
      error = testing::CannotRead(line);
      return std::nullopt;
    }
  }
  return golden;
}

std::vector<GoldenCase> LoadAllCases(std::string& error) {
  return testing::LoadCases<GoldenCase>("iec62056", {"iec"}, ToCase, error);
}

// The meter every case talks to.
struct Rig {
  Rig() : meter(metering::MeterConfig{}), provider(meter, settings, "PRO380-Mod") {
    settings.serial_number = 22091039;
    pro380::testing::ApplyConstLoadHour(meter);
  }

  std::optional<uint64_t> Counter(const std::string& name) const {
    const auto named = iec62056::NamedCounters(server.counters());
    std::map<std::string, uint64_t> all(named.begin(), named.end());
    all.insert({{"s0_rate", static_cast<uint64_t>(meter.config().s0_rate.impulses_per_kwh)},
                {"combined_code", static_cast<uint64_t>(meter.config().combined_code)},
                {"modbus_id", static_cast<uint64_t>(settings.modbus_id)}});
    const auto found = all.find(name);
    if (found == all.end()) return std::nullopt;
    return found->second;
  }

  DeviceSettings settings;
  metering::Meter meter;
  Pro380IecProvider provider;
  Server server{provider, iec62056::ServerOptions{}};
};

// Takes every queued action, however long the line needs for them.
std::string Drain(Server& server, TimePoint& now) {
  std::string out;
  while (server.sending()) {
    now = std::max(now, *server.NextDeadline());
    for (const Action& action : server.Poll(now)) {
      out += action.kind == Action::Kind::kSend ? action.chars
                                                : "[baud " + std::to_string(action.baud) + "]";
    }
  }
  return out;
}

// Runs every deadline up to `until`, collecting the actions.
std::string RunUntil(Server& server, TimePoint& now, TimePoint until) {
  std::string out;
  while (true) {
    const auto next = server.NextDeadline();
    if (!next || *next > until) break;
    now = std::max(now, *next);
    for (const Action& action : server.Poll(now)) {
      out += action.kind == Action::Kind::kSend ? action.chars
                                                : "[baud " + std::to_string(action.baud) + "]";
    }
  }
  now = until;
  return out;
}

TEST(IecGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const std::vector<GoldenCase> cases = LoadAllCases(error);
  ASSERT_EQ(error, "");
  ASSERT_GE(cases.size(), 10u);
  for (const GoldenCase& golden : cases) {
    std::size_t longest = 1;
    for (const Step& step : golden.steps) longest = std::max(longest, step.chars.size());
    for (std::size_t chunk = 1; chunk <= longest; ++chunk) {
      SCOPED_TRACE(golden.where + " (" + golden.title + "), chunk " + std::to_string(chunk));
      Rig rig;
      TimePoint now{std::chrono::seconds(1'000'000)};
      for (const Step& step : golden.steps) {
        std::string out;
        if (step.kind == Step::Kind::kSend) {
          for (std::size_t at = 0; at < step.chars.size(); at += chunk) {
            const std::string part = step.chars.substr(at, chunk);
            rig.server.Feed(std::span(reinterpret_cast<const uint8_t*>(part.data()), part.size()),
                            now);
            out += RunUntil(rig.server, now, now + std::chrono::milliseconds(1));
          }
          out += Drain(rig.server, now);
        } else {
          out += RunUntil(rig.server, now, now + step.wait);
        }
        if (step.expected_set) {
          EXPECT_EQ(testing::PrintableIec(out), testing::PrintableIec(step.expected));
        }
      }
      for (const auto& [name, value] : golden.counters) {
        EXPECT_EQ(rig.Counter(name), std::optional<uint64_t>(value)) << name;
      }
    }
  }
}

}  // namespace
}  // namespace pro380::device
