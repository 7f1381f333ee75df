#include "device/lcd_pages.h"

namespace pro380::device {

PageMarks MarksOf(metering::QuantityId quantity) {
  const std::string_view name = metering::QuantityInfo(quantity).name;
  PageMarks marks;
  for (int k = 1; k <= 3; ++k) {
    const char phase[] = {'_', 'l', static_cast<char>('0' + k), '_', '\0'};
    const char phase_end[] = {'_', 'l', static_cast<char>('0' + k), '\0'};
    if (name.find(phase) != std::string_view::npos || name.ends_with(phase_end)) marks.phase = k;
    const char tariff[] = {'_', 't', static_cast<char>('0' + k), '_', '\0'};
    if (k <= 2 && name.find(tariff) != std::string_view::npos) marks.tariff = k;
  }
  marks.forward = name.starts_with("forward_");
  marks.reverse = name.starts_with("reverse_");
  return marks;
}

std::array<char, 4> PageLabel(int number) {
  return {'P', static_cast<char>('0' + number / 10 % 10), static_cast<char>('0' + number % 10),
          '\0'};
}

}  // namespace pro380::device
