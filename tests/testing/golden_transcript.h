// Golden transcripts: Markdown files under tests/golden/<protocol>/ whose fenced blocks
// (```rtu, ```mbus, ```iec, …) hold one exchange per line, each line a marker, a space and a text
// ("> 01 03 …", "< none", "= server.requests 2"). This reads the files and the fences; what a
// marker means belongs to each protocol's runner, which turns the lines into its cases and replays
// them at every chunk size (formats: docs/protocols/*.md, "Golden transcripts").
#ifndef PRO380_TESTING_GOLDEN_TRANSCRIPT_H_
#define PRO380_TESTING_GOLDEN_TRANSCRIPT_H_

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/source_dir.h"

namespace pro380::testing {

using Bytes = std::vector<uint8_t>;

struct TranscriptLine {
  std::string where;  // "file.md:12"
  char marker = 0;    // '>', '<', '=', '!', '~', …
  std::string text;   // everything after the marker and its space
};

struct TranscriptBlock {
  std::string where;     // the opening fence, "file.md:10"
  std::string title;     // the last "## " heading before it
  std::string language;  // the fence's info string, e.g. "rtu"
  std::vector<TranscriptLine> lines;
};

// Every fenced block of `text` whose info string is one of `languages`, in order; prose and other
// fences are skipped. On a line inside such a block that is not "X TEXT", or a block left open,
// sets `error` ("file.md:12: …") and returns nothing.
std::vector<TranscriptBlock> ParseTranscript(const std::string& file, std::string_view text,
                                             std::initializer_list<std::string_view> languages,
                                             std::string& error);

// The blocks of every *.md file of tests/golden/<subdir>, files in name order.
std::vector<TranscriptBlock> LoadTranscripts(const std::string& subdir,
                                             std::initializer_list<std::string_view> languages,
                                             std::string& error);

// The blocks of tests/golden/<subdir> turned into a runner's cases by `to_case`, a callable
// `std::optional<Case>(const TranscriptBlock&, std::string& error)` that sets `error` when it
// cannot read a block; then nothing is returned.
template <typename Case, typename ToCase>
std::vector<Case> LoadCases(const std::string& subdir,
                            std::initializer_list<std::string_view> languages, ToCase to_case,
                            std::string& error) {
  std::vector<Case> cases;
  for (const TranscriptBlock& block : LoadTranscripts(subdir, languages, error)) {
    std::optional<Case> one = to_case(block, error);
    if (!one) return {};
    cases.push_back(std::move(*one));
  }
  return cases;
}

// The error of a line a runner does not understand: "file.md:12: cannot read '> 01 0'".
std::string CannotRead(const TranscriptLine& line);

// Hex tokens of any even length ("500C" is two bytes); "|" starts a new part. Nullopt when a
// token is not hex or the first part is empty.
std::optional<std::vector<Bytes>> ParseHexParts(std::string_view text);
// As ParseHexParts, for text with exactly one part.
std::optional<Bytes> ParseHex(std::string_view text);
// "NAME VALUE", VALUE an unsigned integer.
std::optional<std::pair<std::string, uint64_t>> ParseNameValue(std::string_view text);

// "01 03 00 10", for expectations that print readably when they differ.
std::string HexString(std::span<const uint8_t> bytes);

}  // namespace pro380::testing

#endif  // PRO380_TESTING_GOLDEN_TRANSCRIPT_H_
