// Replays the client golden transcripts of tests/golden/mbus_client/*.md (format:
// docs/client.md, "M-Bus golden transcripts") through MbusClient: each case runs once per chunk
// size 1..(its longest reply), every reply fed in chunks of that size at one time point, with a
// Poll() after each chunk. Options: timeout 100 ms, 1 retry, frame gap 20 ms, settle 50 ms.
//
// A case is a fenced block ```mbus-client with lines
//   @ reset A [collision] | @ readout A | @ select ID [MAN VER MED] [fab=DIGITS] [mode2] |
//   @ select MASK16 [fab=DIGITS] [mode2] |
//   @ send A CI [HEX]
//                          start an operation
//   > HEX                  the next frame the client sends (every frame sent must be listed)
//   < HEX                  bytes the client hears
//   ~ wait                 the clock moves to the client's next deadline
//   = outcome ack|readout|timeout|collision|malformed   the operation's outcome by then
//   = NAME VALUE           a counter: client.*, framer.*, readout.{telegrams,records,id,address}
#include <gtest/gtest.h>

#include <charconv>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/mbus/client.h"
#include "testing/golden_transcript.h"

namespace pro380::mbus {
namespace {

using pro380::testing::Bytes;
using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

const TimePoint kT0{};

std::vector<std::string> Words(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::optional<unsigned> Number(const std::string& text, int base = 10) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Operation> ParseOperation(std::string_view text) {
  const std::vector<std::string> w = Words(text);
  if (w.size() < 2) return std::nullopt;
  if (w[0] == "select") {
    // 8 ID characters (then MAN VER MED, or all wildcards), or libmbus's 16-character form;
    // then optionally fab=DIGITS (enhanced selection) and mode2 (CI 56).
    auto mask =
        w[1].size() == 16 ? SecondaryMask::FromFullText(w[1]) : SecondaryMask::FromText(w[1]);
    if (!mask) return std::nullopt;
    std::vector<std::string> fields = w;
    while (fields.size() > 2 && (fields.back() == "mode2" || fields.back().starts_with("fab="))) {
      if (fields.back() == "mode2") {
        mask->mode2 = true;
      } else {
        mask->fabrication = SecondaryMask::DigitsFromText(fields.back().substr(4));
        if (!mask->fabrication) return std::nullopt;
      }
      fields.pop_back();
    }
    if (fields.size() != 2 && fields.size() != 5) return std::nullopt;
    if (fields.size() == 5) {
      auto man = Number(w[2], 16);
      auto ver = Number(w[3], 16);
      auto med = Number(w[4], 16);
      if (!man || !ver || !med) return std::nullopt;
      mask->manufacturer = static_cast<uint16_t>(*man);
      mask->version = static_cast<uint8_t>(*ver);
      mask->medium = static_cast<uint8_t>(*med);
    }
    return Operation::Select(*mask);
  }
  const auto address = Number(w[1]);
  if (!address || *address > 255) return std::nullopt;
  const auto a = static_cast<uint8_t>(*address);
  if (w[0] == "reset") return Operation::Reset(a, w.size() == 3 && w[2] == "collision");
  if (w[0] == "readout" && w.size() == 2) return Operation::ReadOut(a);
  if (w[0] == "send" && w.size() >= 3) {
    const auto ci = Number(w[2], 16);
    if (!ci) return std::nullopt;
    Bytes data;
    for (std::size_t i = 3; i < w.size(); ++i) {
      auto byte = Number(w[i], 16);
      if (!byte || *byte > 0xFF) return std::nullopt;
      data.push_back(static_cast<uint8_t>(*byte));
    }
    return Operation::Send(a, static_cast<uint8_t>(*ci), std::move(data));
  }
  return std::nullopt;
}

std::string OutcomeName(const ClientOutcome& outcome) {
  if (std::holds_alternative<Acknowledged>(outcome)) return "ack";
  if (std::holds_alternative<Readout>(outcome)) return "readout";
  switch (std::get<ClientError>(outcome).kind) {
    case ClientErrorKind::kTimeout:
      return "timeout";
    case ClientErrorKind::kCollision:
      return "collision";
    case ClientErrorKind::kMalformed:
      return "malformed";
  }
  return "?";
}

std::optional<uint64_t> Counter(const MbusClient& client, const std::optional<Readout>& readout,
                                const std::string& name) {
  const ClientCounters& c = client.counters();
  const FramerCounters f = client.framer_counters();
  if (name == "client.operations") return c.operations;
  if (name == "client.requests") return c.requests;
  if (name == "client.replies") return c.replies;
  if (name == "client.timeouts") return c.timeouts;
  if (name == "client.collisions") return c.collisions;
  if (name == "client.malformed") return c.malformed;
  if (name == "client.damaged") return c.damaged;
  if (name == "client.ignored") return c.ignored;
  if (name == "framer.frames") return f.frames;
  if (name == "framer.checksum_errors") return f.checksum_errors;
  if (name == "framer.skipped_bytes") return f.skipped_bytes;
  if (!readout) return std::nullopt;
  if (name == "readout.telegrams") return readout->telegrams;
  if (name == "readout.id") return readout->header.id;
  if (name == "readout.address") return readout->address;
  if (name == "readout.records") {
    auto records = ParseRecords(readout->records);
    return records.ok() ? records->size() : 0;
  }
  return std::nullopt;
}

std::size_t LongestReply(const TranscriptBlock& block) {
  std::size_t longest = 1;
  for (const TranscriptLine& line : block.lines) {
    if (line.marker != '<') continue;
    if (auto bytes = testing::ParseHex(line.text)) longest = std::max(longest, bytes->size());
  }
  return longest;
}

// Runs `block` with replies cut into `chunk`-byte pieces; failures name the line.
void Replay(const TranscriptBlock& block, std::size_t chunk) {
  MbusClient client({.timeout = std::chrono::milliseconds(100),
                     .retries = 1,
                     .frame_gap = std::chrono::milliseconds(20),
                     .settle = std::chrono::milliseconds(50)});
  TimePoint now = kT0;
  std::deque<Bytes> sent;
  std::optional<ClientOutcome> outcome;
  std::optional<Readout> last_readout;
  auto take = [&](ClientStep step) {
    if (!step.send.empty()) sent.push_back(std::move(step.send));
    if (step.outcome) {
      EXPECT_FALSE(outcome.has_value()) << "a second outcome";
      if (auto* r = std::get_if<Readout>(&*step.outcome)) last_readout = *r;
      outcome = std::move(step.outcome);
    }
  };
  for (const TranscriptLine& line : block.lines) {
    SCOPED_TRACE(line.where + " chunk " + std::to_string(chunk));
    if (line.marker == '@') {
      auto op = ParseOperation(line.text);
      ASSERT_TRUE(op.has_value()) << testing::CannotRead(line);
      ASSERT_FALSE(client.busy()) << "an operation is still running";
      outcome.reset();
      sent.push_back(client.Start(*op, now));
    } else if (line.marker == '>') {
      auto bytes = testing::ParseHex(line.text);
      ASSERT_TRUE(bytes.has_value()) << testing::CannotRead(line);
      ASSERT_FALSE(sent.empty()) << "the client sent nothing";
      EXPECT_EQ(testing::HexString(sent.front()), testing::HexString(*bytes));
      sent.pop_front();
    } else if (line.marker == '<') {
      auto bytes = testing::ParseHex(line.text);
      ASSERT_TRUE(bytes.has_value()) << testing::CannotRead(line);
      for (std::size_t at = 0; at < bytes->size(); at += chunk) {
        const std::size_t n = std::min(chunk, bytes->size() - at);
        client.Feed(std::span(*bytes).subspan(at, n), now);
        take(client.Poll(now));
      }
    } else if (line.marker == '~' && line.text == "wait") {
      ASSERT_TRUE(client.NextDeadline().has_value()) << "nothing to wait for";
      now = std::max(now, *client.NextDeadline());
      take(client.Poll(now));
    } else if (line.marker == '=') {
      const std::vector<std::string> w = Words(line.text);
      ASSERT_EQ(w.size(), 2u) << testing::CannotRead(line);
      if (w[0] == "outcome") {
        ASSERT_TRUE(outcome.has_value()) << "no outcome yet";
        EXPECT_EQ(OutcomeName(*outcome), w[1]);
        continue;
      }
      const auto expected = Number(w[1]);
      const auto actual = Counter(client, last_readout, w[0]);
      ASSERT_TRUE(expected.has_value() && actual.has_value()) << testing::CannotRead(line);
      EXPECT_EQ(*actual, *expected) << w[0];
    } else {
      FAIL() << testing::CannotRead(line);
    }
  }
  EXPECT_TRUE(sent.empty()) << "the client sent a frame the transcript does not list";
}

TEST(MbusClientGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const std::vector<TranscriptBlock> blocks =
      testing::LoadTranscripts("mbus_client", {"mbus-client"}, error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_GE(blocks.size(), 8u);
  for (const TranscriptBlock& block : blocks) {
    SCOPED_TRACE(block.where + " " + block.title);
    const std::size_t longest = LongestReply(block);
    for (std::size_t chunk = 1; chunk <= longest; ++chunk) Replay(block, chunk);
  }
}

}  // namespace
}  // namespace pro380::mbus
