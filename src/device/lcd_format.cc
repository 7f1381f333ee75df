#include "device/lcd_format.h"

#include <cmath>

namespace pro380::device {
namespace {

constexpr int kWidth = 8;

constexpr int64_t Pow10(int n) {
  int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string Digits(int64_t magnitude, int min_digits) {
  std::string s = std::to_string(magnitude);
  if (static_cast<int>(s.size()) < min_digits) s.insert(0, min_digits - s.size(), '0');
  return s;
}

}  // namespace

std::string FormatLcdInteger(int64_t digits, int min_digits) {
  std::string s = Digits(digits < 0 ? -digits : digits, min_digits);
  if (digits < 0) s.insert(0, 1, '-');
  if (static_cast<int>(s.size()) > kWidth) s = s.substr(s.size() - kWidth);
  return std::string(kWidth - s.size(), ' ') + s;
}

LcdNumber FormatLcdNumber(double value, int decimals, LcdRounding rounding) {
  const bool negative = value < 0;
  double magnitude = std::fabs(value);
  if (magnitude >= 1e8) {  // only the low 8 digits can be shown: keep the arithmetic in range
    magnitude = std::fmod(magnitude, 1e8);
    decimals = 0;
  }
  // Nanounits (µWh for kWh) make truncation exact for values from integer registers.
  const auto scaled = [&](int places) -> int64_t {
    if (rounding == LcdRounding::kTruncate) {
      const auto nano = static_cast<int64_t>(std::llround(magnitude * 1e9));
      return nano / Pow10(9 - places);
    }
    return std::llround(magnitude * static_cast<double>(Pow10(places)));
  };
  LcdNumber out;
  for (int places = decimals; places >= 0; --places) {
    const int64_t units = scaled(places);
    const std::string digits = Digits(units, places + 1);
    const bool minus = negative && units != 0;
    if (static_cast<int>(digits.size()) + (minus ? 1 : 0) > kWidth && places > 0) continue;
    std::string text = digits;
    const int room = kWidth - (minus ? 1 : 0);
    if (static_cast<int>(text.size()) > room) text = text.substr(text.size() - room);  // wraps
    if (minus) text.insert(0, 1, '-');
    out.text = std::string(kWidth - text.size(), ' ') + text;
    out.decimals = places;
    if (places > 0) out.points[kWidth - 1 - places] = true;
    return out;
  }
  return out;  // not reached: places 0 always returns
}

}  // namespace pro380::device
