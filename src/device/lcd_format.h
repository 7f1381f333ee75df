// Numbers on the LCD's top row: right-aligned in kLcdWidth characters with a decimal point
// between two characters (docs/display.md, "Decimal placement").
#ifndef PRO380_DEVICE_LCD_FORMAT_H_
#define PRO380_DEVICE_LCD_FORMAT_H_

#include <array>
#include <cstdint>
#include <string>

namespace pro380::device {

struct LcdNumber {
  std::string text;              // exactly `width` characters, no '.'
  std::array<bool, 8> points{};  // points[i]: decimal point after text[i]
  int decimals = 0;              // the places actually shown
};

enum class LcdRounding : uint8_t {
  kTruncate,  // energies: only completed hundredths, like the registers (Rounding::kTruncate)
  kNearest,   // instantaneous values
};

// `value` with `decimals` places; when that does not fit in 8 characters (a '-' takes one), the
// decimal point moves right one place at a time down to none (CT meters past 999999.99 kWh show
// 1234567.8, then 12345678). Past 99999999 (9999999 when negative) the register wraps like a
// mechanical counter: only the low digits are shown.
LcdNumber FormatLcdNumber(double value, int decimals, LcdRounding rounding);

// `digits` as a whole number with at least `min_digits` digits (leading zeros), right-aligned.
std::string FormatLcdInteger(int64_t digits, int min_digits);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_LCD_FORMAT_H_
