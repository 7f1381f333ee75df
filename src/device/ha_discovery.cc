#include "device/ha_discovery.h"

#include <algorithm>
#include <cctype>

namespace pro380::device {

std::string HaSensorName(const metering::Quantity& q) {
  std::string_view name = q.name;
  // The unit is the name's last part ("_v", "_kwh"); a unit-less name (power factor) keeps it.
  if (!q.unit.empty()) name = name.substr(0, name.rfind('_'));
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('_', start), name.size());
    std::string word(name.substr(start, end - start));
    // Phases and tariffs (l1, t2) are written as on the meter's LCD: L1, T2.
    const bool label = word.size() == 2 && (word[0] == 'l' || word[0] == 't') &&
                       std::isdigit(static_cast<unsigned char>(word[1]));
    if (label) word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    if (out.empty() && !word.empty()) {
      word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    }
    if (!out.empty()) out += ' ';
    out += word;
    start = end + 1;
  }
  return out;
}

}  // namespace pro380::device
