#include "testing/iec_text.h"

#include <cctype>
#include <cstdio>
#include <map>

#include "protocol/iec62056/frames.h"

namespace pro380::testing {

std::optional<std::string> UnescapeIec(const std::string& text) {
  static const std::map<std::string, char> kNames = {{"SOH", iec62056::kSoh},
                                                     {"STX", iec62056::kStx},
                                                     {"ETX", iec62056::kEtx},
                                                     {"EOT", iec62056::kEot},
                                                     {"ACK", iec62056::kAck},
                                                     {"NAK", iec62056::kNak},
                                                     {"CR", '\r'},
                                                     {"LF", '\n'},
                                                     {"LT", '<'}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '<') {
      out += text[i];
      continue;
    }
    const std::size_t close = text.find('>', i);
    if (close == std::string::npos) return std::nullopt;
    const std::string name = text.substr(i + 1, close - i - 1);
    if (auto found = kNames.find(name); found != kNames.end()) {
      out += found->second;
    } else if (name.size() == 2 && std::isxdigit(static_cast<unsigned char>(name[0])) &&
               std::isxdigit(static_cast<unsigned char>(name[1]))) {
      out += static_cast<char>(std::stoi(name, nullptr, 16));
    } else {
      return std::nullopt;
    }
    i = close;
  }
  return out;
}

std::string PrintableIec(const std::string& chars) {
  std::string out;
  for (char c : chars) {
    if (c >= 0x20 && c < 0x7F) {
      out += c;
    } else {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "<%02X>", static_cast<unsigned char>(c));
      out += buffer;
    }
  }
  return out;
}

}  // namespace pro380::testing
