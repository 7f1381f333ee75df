// Replays the client transcripts of tests/golden/modbus_client/*.md (format: docs/client.md,
// "Golden transcripts") through a fresh ModbusClient per block (timeout 100 ms, 1 retry): every
// "< " reply is fed in chunks of 1..len bytes, polling after each chunk; "~ MS" advances the
// time and polls. What the client sends, the transaction's outcome and the counters must match.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/modbus/client.h"
#include "testing/golden_transcript.h"

namespace pro380::modbus {
namespace {

using pro380::testing::Bytes;
using pro380::testing::HexString;
using pro380::testing::LoadTranscripts;
using pro380::testing::ParseHex;
using pro380::testing::ParseNameValue;
using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

constexpr auto kTimeout = std::chrono::milliseconds(100);

// "! read ID START COUNT" or "! write ID START WORD...", START and WORDs hex.
std::optional<std::pair<uint8_t, Pdu>> ParseStart(const std::string& text) {
  std::istringstream in(text);
  std::string kind;
  unsigned id = 0;
  unsigned start = 0;
  in >> kind >> std::dec >> id >> std::hex >> start;
  if (!in || id > 255 || start > 0xFFFF) return std::nullopt;
  if (kind == "read") {
    unsigned count = 0;
    in >> std::dec >> count;
    if (!in || count < 1 || count > kMaxReadRegisters) return std::nullopt;
    return std::pair{
        static_cast<uint8_t>(id),
        ReadHoldingRegistersRequest(static_cast<uint16_t>(start), static_cast<uint16_t>(count))};
  }
  if (kind != "write") return std::nullopt;
  std::vector<uint16_t> words;
  unsigned word = 0;
  while (in >> std::hex >> word) words.push_back(static_cast<uint16_t>(word));
  if (words.empty() || words.size() > kMaxWriteRegisters) return std::nullopt;
  return std::pair{static_cast<uint8_t>(id),
                   WriteMultipleRegistersRequest(static_cast<uint16_t>(start), words)};
}

// The outcome in the transcript's words: "words 0010 …", "written", "exception 03", "timeout",
// "malformed".
std::string Describe(const Pdu& request, const ClientOutcome& outcome) {
  if (const auto* error = std::get_if<ClientError>(&outcome)) {
    return error->kind == ClientErrorKind::kTimeout ? "timeout" : "malformed";
  }
  const Pdu& reply = std::get<Pdu>(outcome);
  std::optional<ClientError> error;
  std::string words;
  if (request.function == static_cast<uint8_t>(FunctionCode::kReadHoldingRegisters)) {
    auto parsed = ParseReadReply(request, reply);
    if (auto* got = std::get_if<std::vector<uint16_t>>(&parsed)) {
      for (uint16_t word : *got) {
        char text[8];
        std::snprintf(text, sizeof text, " %04X", word);
        words += text;
      }
      return "words" + words;
    }
    error = std::get<ClientError>(parsed);
  } else {
    error = CheckWriteReply(request, reply);
    if (!error) return "written";
  }
  if (error->kind == ClientErrorKind::kException) {
    char text[16];
    std::snprintf(text, sizeof text, "exception %02X", error->exception_code);
    return text;
  }
  return "malformed";
}

uint64_t Counter(const ClientCounters& c, const std::string& name) {
  if (name == "client.requests") return c.requests;
  if (name == "client.attempts") return c.attempts;
  if (name == "client.replies") return c.replies;
  if (name == "client.timeouts") return c.timeouts;
  if (name == "client.stale") return c.stale;
  if (name == "client.bad_frames") return c.bad_frames;
  if (name == "client.skipped_bytes") return c.skipped_bytes;
  if (name == "client.exceptions") return c.exceptions;
  if (name == "client.malformed") return c.malformed;
  ADD_FAILURE() << "unknown counter " << name;
  return 0;
}

// Replays `block` feeding replies in chunks of `chunk` bytes.
void Replay(const TranscriptBlock& block, std::size_t chunk) {
  SCOPED_TRACE(block.where + " \"" + block.title + "\" chunk " + std::to_string(chunk));
  ModbusClient client(block.language == "client-tcp" ? ClientFraming::kTcp : ClientFraming::kRtu,
                      {.timeout = kTimeout, .retries = 1});
  TimePoint now{};
  Pdu request;
  std::deque<Bytes> sent;  // what the client sent and no "> " line has checked yet
  std::vector<std::string> outcomes;
  auto take = [&](ClientStep step) {
    if (!step.send.empty()) sent.push_back(std::move(step.send));
    if (step.outcome) outcomes.push_back(Describe(request, *step.outcome));
  };
  for (const TranscriptLine& line : block.lines) {
    SCOPED_TRACE(line.where);
    if (line.marker == '!') {
      const auto start = ParseStart(line.text);
      ASSERT_TRUE(start.has_value()) << pro380::testing::CannotRead(line);
      request = start->second;
      sent.push_back(client.Start(start->first, request, now));
    } else if (line.marker == '>') {
      const auto expected = ParseHex(line.text);
      ASSERT_TRUE(expected.has_value()) << pro380::testing::CannotRead(line);
      ASSERT_FALSE(sent.empty()) << "the client sent nothing here";
      EXPECT_EQ(HexString(sent.front()), HexString(*expected));
      sent.pop_front();
    } else if (line.marker == '<') {
      const auto reply = ParseHex(line.text);
      ASSERT_TRUE(reply.has_value()) << pro380::testing::CannotRead(line);
      for (std::size_t at = 0; at < reply->size(); at += chunk) {
        client.Feed(std::span(*reply).subspan(at, std::min(chunk, reply->size() - at)));
        take(client.Poll(now));
      }
    } else if (line.marker == '~') {
      now += std::chrono::milliseconds(std::stoi(line.text));
      take(client.Poll(now));
    } else if (line.marker == '=') {
      if (const auto counter = ParseNameValue(line.text);
          counter && counter->first.starts_with("client.")) {
        EXPECT_EQ(Counter(client.counters(), counter->first), counter->second) << counter->first;
      } else {
        ASSERT_EQ(outcomes.size(), 1u) << "one outcome per transaction";
        EXPECT_EQ(outcomes.front(), line.text);
      }
    } else {
      FAIL() << pro380::testing::CannotRead(line);
    }
  }
  EXPECT_TRUE(sent.empty()) << "the client sent bytes no '> ' line expects";
}

TEST(ModbusClientGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const auto blocks = LoadTranscripts("modbus_client", {"client-rtu", "client-tcp"}, error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_GE(blocks.size(), 9u);
  for (const TranscriptBlock& block : blocks) {
    std::size_t longest = 1;
    for (const TranscriptLine& line : block.lines) {
      if (line.marker == '<') longest = std::max(longest, ParseHex(line.text)->size());
    }
    for (std::size_t chunk = 1; chunk <= longest; ++chunk) Replay(block, chunk);
  }
}

}  // namespace
}  // namespace pro380::modbus
