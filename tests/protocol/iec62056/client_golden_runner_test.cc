// Replays the client transcripts (```iec-client fences of tests/golden/iec62056/*.md; format in
// docs/client.md, "Golden transcripts of the optical port client") through the IEC 62056-21
// client engine at every chunk size: each meter message is fed in chunks of 1..len characters,
// 1 ms apart, and the engine polled after each; what the engine sends, its rate changes and its
// outcomes must be the transcript's whatever the chunking.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/iec62056/client.h"
#include "testing/golden_transcript.h"
#include "testing/iec_text.h"

namespace pro380::iec62056 {
namespace {

using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

// A run of lines with one marker: `$` an exchange, `>` the client's bytes, `<` the meter's,
// `~` time passing, `=` outcomes.
struct Item {
  char marker = 0;
  std::string where;
  std::string text;  // `$`, `~`: the line; `>`, `<`: the characters; `=`: lines
};

struct ClientCase {
  std::string where;
  std::string title;
  ClientOptions options;
  std::vector<Item> items;
  std::vector<std::pair<std::string, uint64_t>> counters;
};

std::optional<ClientCase> ToCase(const TranscriptBlock& block, std::string& error) {
  ClientCase golden{block.where, block.title, ClientOptions{}, {}, {}};
  golden.options.timeout = std::chrono::milliseconds(1500);
  for (const TranscriptLine& line : block.lines) {
    const auto counter = testing::ParseNameValue(line.text);
    const auto chars = testing::UnescapeIec(line.text);
    if (line.marker == '!' && counter && counter->first == "max-baud") {
      golden.options.max_baud = static_cast<int>(counter->second);
    } else if (line.marker == '!' && counter && counter->first == "repeats") {
      golden.options.repeats = static_cast<int>(counter->second);
    } else if (line.marker == '!' && line.text == "parity") {
      golden.options.parity_on_line = true;
    } else if (line.marker == '#' && counter) {
      golden.counters.push_back(*counter);
    } else if ((line.marker == '>' || line.marker == '<') && chars) {
      if (golden.items.empty() || golden.items.back().marker != line.marker) {
        golden.items.push_back({line.marker, line.where, ""});
      }
      golden.items.back().text += *chars;
    } else if (line.marker == '=') {
      if (golden.items.empty() || golden.items.back().marker != '=') {
        golden.items.push_back({'=', line.where, ""});
      } else {
        golden.items.back().text += "\n";
      }
      golden.items.back().text += line.text;
    } else if (line.marker == '$' || line.marker == '~') {
      golden.items.push_back({line.marker, line.where, line.text});
    } else {
      error = testing::CannotRead(line);
      return std::nullopt;
    }
  }
  return golden;
}

std::string Render(const ClientOutcome& outcome) {
  if (const auto* error = std::get_if<ClientError>(&outcome)) return "failed " + error->Describe();
  const Answer& answer = std::get<Answer>(outcome);
  switch (answer.kind) {
    case AnswerKind::kIdentification:
      return "identification " + answer.identification.manufacturer + " " +
             answer.identification.baud_character + " " + answer.identification.identification;
    case AnswerKind::kReadout: {
      std::string out = "readout";
      for (const DataSet& set : answer.data_sets) out += "\nset " + Format(set);
      return out;
    }
    case AnswerKind::kOperand:
      return "operand " + answer.text;
    case AnswerKind::kAcknowledged:
      return "ack";
    case AnswerKind::kDataSet:
      return "data-set " + Format(answer.data_sets.front());
    case AnswerKind::kError:
      return "error " + answer.text;
  }
  return "?";
}

struct Replay {
  explicit Replay(const ClientOptions& options) : client(options) {}

  void Take(const ClientStep& step) {
    sent += std::string(step.send.begin(), step.send.end());
    if (step.baud_after_send) sent += "[baud " + std::to_string(*step.baud_after_send) + "]";
    if (step.outcome) outcomes.push_back(Render(*step.outcome));
  }

  // `$ sign-on [ADDRESS]`, `$ readout`, `$ programming`, `$ password PW`, `$ write ADDR VALUE`,
  // `$ read ADDR`, `$ sign-off`.
  bool Start(const std::string& text) {
    const std::size_t space = text.find(' ');
    const std::string op = text.substr(0, space);
    const std::string arg = space == std::string::npos ? "" : text.substr(space + 1);
    if (op == "sign-on") {
      Take(client.SignOn(arg, now));
    } else if (op == "readout" || op == "programming") {
      Take(client.SelectOption(op == "programming", now));
    } else if (op == "password") {
      Take(client.SendPassword(arg, now));
    } else if (op == "write" && arg.find(' ') != std::string::npos) {
      Take(client.SendWrite(arg.substr(0, arg.find(' ')), arg.substr(arg.find(' ') + 1), now));
    } else if (op == "read") {
      Take(client.SendRead(arg, now));
    } else if (op == "sign-off") {
      Take(client.SignOff(now));
    } else {
      return false;
    }
    return true;
  }

  IecClient client;
  TimePoint now{std::chrono::seconds(1'000'000)};
  std::string sent;
  std::vector<std::string> outcomes;
};

std::optional<uint64_t> Counter(const ClientCounters& c, const std::string& name) {
  const std::map<std::string, uint64_t> all = {
      {"exchanges", c.exchanges},          {"skipped_chars", c.skipped_chars},
      {"parity_errors", c.parity_errors},  {"bcc_errors", c.bcc_errors},
      {"malformed", c.malformed},          {"naks_sent", c.naks_sent},
      {"naks_received", c.naks_received},  {"timeouts", c.timeouts},
      {"error_messages", c.error_messages}};
  const auto found = all.find(name);
  if (found == all.end()) return std::nullopt;
  return found->second;
}

TEST(IecClientGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const std::vector<ClientCase> cases =
      testing::LoadCases<ClientCase>("iec62056", {"iec-client"}, ToCase, error);
  ASSERT_EQ(error, "");
  ASSERT_GE(cases.size(), 8u);
  for (const ClientCase& golden : cases) {
    std::size_t longest = 1;
    for (const Item& item : golden.items) {
      if (item.marker == '<') longest = std::max(longest, item.text.size());
    }
    for (std::size_t chunk = 1; chunk <= longest; ++chunk) {
      SCOPED_TRACE(golden.where + " (" + golden.title + "), chunk " + std::to_string(chunk));
      Replay replay(golden.options);
      for (const Item& item : golden.items) {
        SCOPED_TRACE(item.where);
        switch (item.marker) {
          case '$':
            ASSERT_TRUE(replay.Start(item.text)) << "unknown exchange '" << item.text << "'";
            break;
          case '>':
            EXPECT_EQ(testing::PrintableIec(replay.sent), testing::PrintableIec(item.text));
            replay.sent.clear();
            break;
          case '<':
            for (std::size_t at = 0; at < item.text.size(); at += chunk) {
              const std::string part = item.text.substr(at, chunk);
              replay.client.Feed(
                  std::span(reinterpret_cast<const uint8_t*>(part.data()), part.size()),
                  replay.now);
              replay.now += std::chrono::milliseconds(1);
              replay.Take(replay.client.Poll(replay.now));
            }
            break;
          case '~':
            replay.now += std::chrono::milliseconds(std::stol(item.text));
            replay.Take(replay.client.Poll(replay.now));
            break;
          case '=': {
            std::string got;
            for (const std::string& outcome : replay.outcomes) {
              got += (got.empty() ? "" : "\n") + outcome;
            }
            EXPECT_EQ(testing::PrintableIec(got), testing::PrintableIec(item.text));
            replay.outcomes.clear();
            break;
          }
        }
      }
      EXPECT_EQ(testing::PrintableIec(replay.sent), "") << "sent but not in the transcript";
      EXPECT_TRUE(replay.outcomes.empty()) << "an outcome not in the transcript";
      for (const auto& [name, value] : golden.counters) {
        EXPECT_EQ(Counter(replay.client.counters(), name), std::optional<uint64_t>(value)) << name;
      }
    }
  }
}

}  // namespace
}  // namespace pro380::iec62056
