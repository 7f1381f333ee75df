#include "testing/golden_transcript.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

namespace pro380::testing {

std::vector<TranscriptBlock> ParseTranscript(const std::string& file, std::string_view text,
                                             std::initializer_list<std::string_view> languages,
                                             std::string& error) {
  std::vector<TranscriptBlock> blocks;
  std::istringstream in{std::string(text)};
  std::string line;
  std::string title;
  std::optional<TranscriptBlock> open;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = file + ":" + std::to_string(number);
    if (!open) {
      if (line.rfind("## ", 0) == 0) title = line.substr(3);
      const bool fence = line.rfind("```", 0) == 0 && line.size() > 3;
      if (fence &&
          std::find(languages.begin(), languages.end(), line.substr(3)) != languages.end()) {
        open = TranscriptBlock{where, title, line.substr(3), {}};
      }
      continue;
    }
    if (line == "```") {
      blocks.push_back(std::move(*open));
      open.reset();
      continue;
    }
    if (line.size() < 2 || line[1] != ' ') {
      error = where + ": expected a marker, a space and a text ('> …', '< …', '= NAME VALUE')";
      return {};
    }
    open->lines.push_back({where, line[0], line.substr(2)});
  }
  if (open) {
    error = file + ": fence opened at " + open->where + " is not closed";
    return {};
  }
  return blocks;
}

std::vector<TranscriptBlock> LoadTranscripts(const std::string& subdir,
                                             std::initializer_list<std::string_view> languages,
                                             std::string& error) {
  const std::filesystem::path dir = SourceDir() / "tests" / "golden" / subdir;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".md") files.push_back(entry.path());
  }
  if (ec) {
    error = dir.string() + ": " + ec.message();
    return {};
  }
  std::sort(files.begin(), files.end());
  std::vector<TranscriptBlock> all;
  for (const auto& path : files) {
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto blocks = ParseTranscript(path.filename().string(), text, languages, error);
    if (!error.empty()) return {};
    all.insert(all.end(), std::make_move_iterator(blocks.begin()),
               std::make_move_iterator(blocks.end()));
  }
  return all;
}

std::string CannotRead(const TranscriptLine& line) {
  return line.where + ": cannot read '" + line.marker + " " + line.text + "'";
}

std::optional<std::vector<Bytes>> ParseHexParts(std::string_view text) {
  std::vector<Bytes> parts(1);
  std::istringstream in{std::string(text)};
  std::string token;
  while (in >> token) {
    if (token == "|") {
      parts.emplace_back();
      continue;
    }
    if (token.size() % 2 != 0) return std::nullopt;
    if (!std::all_of(token.begin(), token.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
      return std::nullopt;
    }
    for (std::size_t i = 0; i < token.size(); i += 2) {
      parts.back().push_back(static_cast<uint8_t>(std::stoi(token.substr(i, 2), nullptr, 16)));
    }
  }
  if (parts.front().empty()) return std::nullopt;
  return parts;
}

std::optional<Bytes> ParseHex(std::string_view text) {
  auto parts = ParseHexParts(text);
  if (!parts || parts->size() != 1) return std::nullopt;
  return std::move(parts->front());
}

std::optional<std::pair<std::string, uint64_t>> ParseNameValue(std::string_view text) {
  std::istringstream fields{std::string(text)};
  std::string name;
  uint64_t value = 0;
  if (!(fields >> name >> value)) return std::nullopt;
  return std::pair{name, value};
}

std::string HexString(std::span<const uint8_t> bytes) {
  std::string text;
  char buffer[4];
  for (const uint8_t byte : bytes) {
    std::snprintf(buffer, sizeof buffer, "%02X ", byte);
    text += buffer;
  }
  if (!text.empty()) text.pop_back();
  return text;
}

}  // namespace pro380::testing
