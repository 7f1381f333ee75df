// Replays the golden transcripts of tests/golden/modbus/*.md (format: docs/protocols/modbus.md,
// "Golden transcripts") through the framers and the server, with a FakeRegisterBank, at every
// chunk size: RTU requests are fed in chunks of 1..len bytes with the time advancing one
// character per byte (no silence inside a frame) and t3.5 plus a character between frames;
// MBAP requests are fed as one stream cut every 1..len bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/crc16.h"
#include "fake_register_bank.h"
#include "protocol/modbus/mbap_framer.h"
#include "protocol/modbus/rtu_framer.h"
#include "protocol/modbus/rtu_stream_framer.h"
#include "protocol/modbus/server.h"

namespace pro380::modbus::testing {
namespace {

using Bytes = std::vector<uint8_t>;

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

// Hex tokens of any even length ("500C" is two bytes); "|" starts a new part.
bool ParseHexParts(const std::string& text, std::vector<Bytes>& parts) {
  parts.assign(1, {});
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    if (token == "|") {
      parts.emplace_back();
      continue;
    }
    if (token.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < token.size(); i += 2) {
      char* end = nullptr;
      const std::string pair = token.substr(i, 2);
      const long value = std::strtol(pair.c_str(), &end, 16);
      if (end != pair.c_str() + 2) return false;
      parts.back().push_back(static_cast<uint8_t>(value));
    }
  }
  return !parts.front().empty();
}

std::vector<GoldenCase> ParseGoldenFile(const std::string& file, const std::string& text,
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
      if (line == "```rtu" || line == "```tcp" || line == "```rtu-tcp") {
        open = GoldenCase{where, title, line.substr(3), {}, {}};
      }
      continue;
    }
    if (line == "```") {
      cases.push_back(std::move(*open));
      open.reset();
      continue;
    }
    if (line.size() < 2 || line[1] != ' ') {
      error = where + ": expected '> HEX', '< HEX|none' or '= NAME VALUE'";
      return {};
    }
    const std::string rest = line.substr(2);
    std::vector<Bytes> parts;
    if (line[0] == '>' && ParseHexParts(rest, parts)) {
      open->exchanges.push_back({parts, std::nullopt});
    } else if (line[0] == '<' && !open->exchanges.empty() && rest == "none") {
    } else if (line[0] == '<' && !open->exchanges.empty() && ParseHexParts(rest, parts) &&
               parts.size() == 1) {
      open->exchanges.back().reply = parts.front();
    } else if (line[0] == '=') {
      std::istringstream fields(rest);
      std::string name;
      uint64_t value = 0;
      if (!(fields >> name >> value)) {
        error = where + ": expected '= NAME VALUE'";
        return {};
      }
      open->counters.emplace_back(name, value);
    } else {
      error = where + ": cannot read '" + line + "'";
      return {};
    }
  }
  if (open) error = file + ": fence opened at " + open->where + " is not closed";
  return cases;
}

std::filesystem::path GoldenDir() {
  // PRO380_SOURCE_DIR if set (ctest sets it), else the checkout this file was compiled from.
  const char* env = std::getenv("PRO380_SOURCE_DIR");
  const std::filesystem::path source_dir =
      env != nullptr
          ? std::filesystem::path(env)
          : std::filesystem::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  return source_dir / "tests" / "golden" / "modbus";
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
    auto cases = ParseGoldenFile(path.filename().string(), text, error);
    if (!error.empty()) return {};
    all.insert(all.end(), cases.begin(), cases.end());
  }
  return all;
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

std::string Hex(const std::optional<Bytes>& bytes) {
  if (!bytes) return "none";
  std::string text;
  char buffer[4];
  for (const uint8_t byte : *bytes) {
    std::snprintf(buffer, sizeof buffer, "%02X ", byte);
    text += buffer;
  }
  if (!text.empty()) text.pop_back();
  return text;
}

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
  ASSERT_GE(cases.size(), 20u) << "transcripts in " << GoldenDir();
  for (const GoldenCase& golden : cases) {
    SCOPED_TRACE(golden.where + " " + golden.title);
    RunCase(golden);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(ModbusGoldenTest, ParserRejectsAMalformedLine) {
  std::string error;
  ParseGoldenFile("bad.md", "## x\n```rtu\n> 01 0\n```\n", error);
  EXPECT_EQ(error, "bad.md:3: cannot read '> 01 0'");
}

}  // namespace
}  // namespace pro380::modbus::testing
