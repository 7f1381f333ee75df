#include "protocol/iec62056/frames.h"

namespace pro380::iec62056 {

std::optional<char> BaudCharacter(int baud, ProtocolMode mode) {
  for (int k = 0; k < static_cast<int>(std::size(kBaudTable)); ++k) {
    if (kBaudTable[k] != baud) continue;
    if (mode == ProtocolMode::kC) return static_cast<char>('0' + k);
    if (mode == ProtocolMode::kB && k > 0) return static_cast<char>('A' + k - 1);
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<int> BaudOfModeCCharacter(char c) {
  if (c < '0' || c >= '0' + static_cast<int>(std::size(kBaudTable))) return std::nullopt;
  return kBaudTable[c - '0'];
}

std::string Format(const DataSet& set) {
  std::string out = set.address;
  out += '(';
  out += set.value;
  if (!set.unit.empty()) {
    out += '*';
    out += set.unit;
  }
  out += ')';
  return out;
}

std::optional<CommandData> ParseCommandData(std::string_view data) {
  const std::size_t open = data.find('(');
  if (open == std::string_view::npos || data.empty() || data.back() != ')') return std::nullopt;
  const std::string_view inner = data.substr(open + 1, data.size() - open - 2);
  if (inner.find_first_of("()") != std::string_view::npos) return std::nullopt;
  return CommandData{std::string(data.substr(0, open)), std::string(inner)};
}

}  // namespace pro380::iec62056
