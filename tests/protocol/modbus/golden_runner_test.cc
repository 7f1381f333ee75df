// Replays the golden transcripts of tests/golden/modbus/*.md (format: docs/protocols/modbus.md,
// "Golden transcripts") through the framers and the server, with a FakeRegisterBank, at every
// chunk size: RTU requests are fed in chunks of 1..len bytes with the time advancing one
// character per byte (no silence inside a frame) and t3.5 plus a character between frames;
// MBAP requests are fed as one stream cut every 1..len bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/crc16.h"
#include "fake_register_bank.h"
#include "protocol/modbus/mbap_framer.h"
#include "protocol/modbus/rtu_framer.h"
#include "protocol/modbus/rtu_stream_framer.h"
#include "protocol/modbus/server.h"
#include "testing/golden_transcript.h"

namespace pro380::modbus::testing {
namespace {

using pro380::testing::Bytes;
using pro380::testing::HexString;
using pro380::testing::ParseHexParts;
using pro380::testing::ParseNameValue;
using pro380::testing::ParseTranscript;
using pro380::testing::SourceDir;
using pro380::testing::TranscriptBlock;
using pro380::testing::TranscriptLine;

struct GoldenExchange {
  std::vector<Bytes> request_parts;  // separated by '|' gaps
  std::optional<Bytes> reply;        // nullopt: no reply expected
};

struct GoldenCase {
  std::string where;    // file:line of the opening fence
  std::string title;    // the last "## " heading before it
  std::string framing;  // "rtu", "tcp" or "rtu-tcp"
  std::vector<GoldenExchange> exchanges;
  std::vector<std::pair<std::string, uint64_t>> counters;
};

// A "> HEX | HEX" request, then "< HEX" or "< none"; "= NAME VALUE" counters after the case.
std::optional<GoldenCase> ToCase(const TranscriptBlock& block, std::string& error) {
  GoldenCase golden{block.where, block.title, block.language, {}, {}};
  for (const TranscriptLine& line : block.lines) {
    const auto parts = ParseHexParts(line.text);
    const auto counter = ParseNameValue(line.text);
    if (line.marker == '>' && parts) {
      golden.exchanges.push_back({*parts, std::nullopt});
    } else if (line.marker == '<' && !golden.exchanges.empty() && line.text == "none") {
    } else if (line.marker == '<' && !golden.exchanges.empty() && parts && parts->size() == 1) {
      golden.exchanges.back().reply = parts->front();
    } else if (line.marker == '=' && counter) {
      golden.counters.push_back(*counter);
    } else {
      error = pro380::testing::CannotRead(line);
      return std::nullopt;
    }
  }
  return golden;
}

const std::initializer_list<std::string_view> kFences = {"rtu", "tcp", "rtu-tcp"};

std::vector<GoldenCase> LoadAllCases(std::string& error) {
  return pro380::testing::LoadCases<GoldenCase>("modbus", kFences, ToCase, error);
}

constexpr uint8_t kUnitId = 1;
const LineSettings kLine{9600, Parity::kEven, 1};

// Everything a case may name in a "= NAME VALUE" line.
struct Engines {
  FakeRegisterBank bank;
  Server server{bank, ServerOptions{kUnitId}};
  RtuFramer rtu{kLine};
  MbapFramer mbap;
  RtuStreamFramer rtu_stream;

  std::optional<uint64_t> Counter(const std::string& name) const {
    const RtuFramerCounters& r = rtu.counters();
    const MbapFramerCounters& m = mbap.counters();
    const RtuStreamFramerCounters& t = rtu_stream.counters();
    const ServerCounters& s = server.counters();
    const DiagnosticCounters& d = server.diagnostics();
    const std::map<std::string, uint64_t> all = {
        {"rtu.bytes", r.bytes},
        {"rtu.frames", r.frames},
        {"rtu.crc_errors", r.crc_errors},
        {"rtu.too_short", r.too_short},
        {"rtu.too_long", r.too_long},
        {"rtu.gap_errors", r.gap_errors},
        {"tcp.bytes", m.bytes},
        {"tcp.frames", m.frames},
        {"tcp.foreign_protocol", m.foreign_protocol},
        {"tcp.bad_length", m.bad_length},
        {"tcp.failed", mbap.failed() ? 1 : 0},
        {"rtu-tcp.frames", t.frames},
        {"rtu-tcp.crc_errors", t.crc_errors},
        {"rtu-tcp.skipped_bytes", t.skipped_bytes},
        {"server.requests", s.requests},
        {"server.replies", s.replies},
        {"server.exceptions", s.exceptions},
        {"server.exceptions_01", s.exceptions_by_code[1]},
        {"server.exceptions_02", s.exceptions_by_code[2]},
        {"server.exceptions_03", s.exceptions_by_code[3]},
        {"server.exceptions_04", s.exceptions_by_code[4]},
        {"server.broadcast_writes", s.broadcast_writes},
        {"server.broadcast_rejected", s.broadcast_rejected},
        {"server.broadcast_ignored", s.broadcast_ignored},
        {"server.other_address", s.other_address},
        {"diag.bus_messages", d.bus_messages},
        {"diag.bus_errors", d.bus_errors},
        {"diag.exception_errors", d.exception_errors},
        {"diag.server_messages", d.server_messages},
        {"diag.server_no_response", d.server_no_response},
        {"bank.writes", bank.writes()},
    };
    const auto found = all.find(name);
    if (found == all.end()) return std::nullopt;
    return found->second;
  }
};

// Feeds one RTU case at chunk size `chunk` and returns the replies to each exchange.
std::vector<std::optional<Bytes>> RunRtu(const GoldenCase& golden, std::size_t chunk,
                                         Engines& engines) {
  const RtuTiming timing = engines.rtu.timing();
  TimePoint now{};
  std::vector<std::optional<Bytes>> replies;
  for (const GoldenExchange& exchange : golden.exchanges) {
    for (std::size_t part = 0; part < exchange.request_parts.size(); ++part) {
      if (part > 0) now += 2 * timing.character;  // the '|' gap: > t1.5, < t3.5
      const Bytes& bytes = exchange.request_parts[part];
      for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        const std::size_t size = std::min(chunk, bytes.size() - at);
        now += timing.character * static_cast<int64_t>(size);
        engines.rtu.Feed(std::span(bytes).subspan(at, size), now);
        EXPECT_FALSE(engines.rtu.Poll(now).has_value()) << "a frame ended inside a request";
      }
    }
    now += timing.t3_5;
    std::optional<Bytes> reply;
    while (auto event = engines.rtu.Poll(now)) {
      const auto* frame = std::get_if<RtuFrame>(&*event);
      engines.server.CountBusFrame(frame != nullptr);
      if (frame == nullptr) continue;
      const WriteContext context{"modbus-rtu", "golden", frame->address, now};
      if (auto response = engines.server.Handle(frame->pdu, context)) {
        EXPECT_FALSE(reply.has_value()) << "two replies to one request";
        reply = EncodeRtu(engines.server.unit_id(), *response);
      }
    }
    replies.push_back(reply);
    now += timing.character;
  }
  return replies;
}

// Feeds one TCP case (MBAP or RTU over TCP) as one stream cut every `chunk` bytes; returns the
// replies in order.
std::vector<Bytes> RunTcp(const GoldenCase& golden, std::size_t chunk, Engines& engines) {
  Bytes stream;
  for (const GoldenExchange& exchange : golden.exchanges) {
    for (const Bytes& part : exchange.request_parts) {
      stream.insert(stream.end(), part.begin(), part.end());
    }
  }
  std::vector<Bytes> replies;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    const auto piece = std::span(stream).subspan(at, std::min(chunk, stream.size() - at));
    if (golden.framing == "tcp") {
      engines.mbap.Feed(piece);
      while (auto frame = engines.mbap.Next()) {
        const WriteContext context{"modbus-tcp", "golden", frame->unit_id, TimePoint{}};
        if (auto response = engines.server.Handle(frame->pdu, context)) {
          replies.push_back(EncodeMbap(frame->transaction_id, frame->unit_id, *response));
        }
      }
      continue;
    }
    engines.rtu_stream.Feed(piece);
    while (auto event = engines.rtu_stream.Next()) {
      const auto* frame = std::get_if<RtuFrame>(&*event);
      if (frame == nullptr) continue;
      const WriteContext context{"rtu-over-tcp", "golden", frame->address, TimePoint{}};
      if (auto response = engines.server.Handle(frame->pdu, context)) {
        replies.push_back(EncodeRtu(engines.server.unit_id(), *response));
      }
    }
  }
  return replies;
}

std::string Hex(const std::optional<Bytes>& bytes) { return bytes ? HexString(*bytes) : "none"; }

void CheckCounters(const GoldenCase& golden, const Engines& engines, const std::string& label) {
  for (const auto& [name, expected] : golden.counters) {
    const auto actual = engines.Counter(name);
    ASSERT_TRUE(actual.has_value()) << label << ": unknown counter " << name;
    EXPECT_EQ(*actual, expected) << label << ": counter " << name;
  }
}

std::size_t LongestRequest(const GoldenCase& golden) {
  std::size_t longest = 1;
  for (const GoldenExchange& exchange : golden.exchanges) {
    for (const Bytes& part : exchange.request_parts) longest = std::max(longest, part.size());
  }
  return longest;
}

void RunCase(const GoldenCase& golden) {
  const std::string name = golden.where + " \"" + golden.title + "\"";
  for (const GoldenExchange& exchange : golden.exchanges) {
    if (exchange.reply && golden.framing != "tcp") {
      ASSERT_EQ(Crc16Modbus(*exchange.reply), 0) << name << ": expected reply has a bad CRC";
    }
  }
  if (golden.framing == "rtu") {
    for (std::size_t chunk = 1; chunk <= LongestRequest(golden); ++chunk) {
      Engines engines;
      const std::string label = name + " chunk " + std::to_string(chunk);
      const auto replies = RunRtu(golden, chunk, engines);
      for (std::size_t i = 0; i < replies.size(); ++i) {
        EXPECT_EQ(Hex(replies[i]), Hex(golden.exchanges[i].reply)) << label << " request " << i;
      }
      CheckCounters(golden, engines, label);
    }
    return;
  }
  std::vector<Bytes> expected;
  std::size_t total = 0;
  for (const GoldenExchange& exchange : golden.exchanges) {
    if (exchange.reply) expected.push_back(*exchange.reply);
    for (const Bytes& part : exchange.request_parts) total += part.size();
  }
  for (std::size_t chunk = 1; chunk <= total; ++chunk) {
    Engines engines;
    const std::string label = name + " chunk " + std::to_string(chunk);
    const auto replies = RunTcp(golden, chunk, engines);
    ASSERT_EQ(replies.size(), expected.size()) << label;
    for (std::size_t i = 0; i < replies.size(); ++i) {
      EXPECT_EQ(Hex(replies[i]), Hex(expected[i])) << label << " reply " << i;
    }
    CheckCounters(golden, engines, label);
  }
}

TEST(ModbusGoldenTest, EveryTranscriptAtEveryChunkSize) {
  std::string error;
  const std::vector<GoldenCase> cases = LoadAllCases(error);
  ASSERT_EQ(error, "");
  ASSERT_GE(cases.size(), 20u) << "transcripts in " << SourceDir() / "tests/golden/modbus";
  for (const GoldenCase& golden : cases) {
    SCOPED_TRACE(golden.where + " " + golden.title);
    RunCase(golden);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(ModbusGoldenTest, ParserRejectsAMalformedLine) {
  std::string error;
  const auto blocks = ParseTranscript("bad.md", "## x\n```rtu\n> 01 0\n```\n", kFences, error);
  ASSERT_EQ(blocks.size(), 1u);
  ToCase(blocks[0], error);
  EXPECT_EQ(error, "bad.md:3: cannot read '> 01 0'");
}

TEST(ModbusGoldenTest, ParserSkipsOtherFencesAndRejectsAnOpenOne) {
  std::string error;
  const auto blocks =
      ParseTranscript("a.md", "## one\n```text\nx\n```\n```tcp\n> 00\n```\n", kFences, error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].where, "a.md:5");
  EXPECT_EQ(blocks[0].title, "one");
  EXPECT_EQ(blocks[0].language, "tcp");
  ParseTranscript("b.md", "```rtu\n> 01\n", kFences, error);
  EXPECT_EQ(error, "b.md: fence opened at b.md:1 is not closed");
  error.clear();
  ParseTranscript("c.md", "```rtu\n>01\n```\n", kFences, error);
  EXPECT_EQ(error.rfind("c.md:2: expected a marker", 0), 0u) << error;
}

}  // namespace
}  // namespace pro380::modbus::testing
