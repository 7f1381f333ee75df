// Number fields of the CSV record format, parsed with std::from_chars only.
//
// ParseCsvNumber accepts exactly what std::from_chars(double, chars_format::general) accepts and
// returns the same (correctly rounded) value; it is faster on the common shape "[-]digits[.digits]"
// with at most 15 significant digits: both digit runs are parsed as integers and divided by a
// power of ten, which is exact (both operands are exact doubles and IEEE division rounds
// correctly). Anything else falls back to the floating-point from_chars.
#ifndef PRO380_SOURCE_CSV_NUMBER_H_
#define PRO380_SOURCE_CSV_NUMBER_H_

#include <charconv>
#include <cmath>
#include <cstdint>

namespace pro380::source {

inline constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
inline constexpr uint64_t kIntPowersOfTen[] = {1,
                                               10,
                                               100,
                                               1000,
                                               10000,
                                               100000,
                                               1000000,
                                               10000000,
                                               100000000,
                                               1000000000,
                                               10000000000,
                                               100000000000,
                                               1000000000000,
                                               10000000000000,
                                               100000000000000,
                                               1000000000000000};

// Parses a finite number at `p`. Returns the end of the number, or nullptr when there is no
// number at `p` or it is not finite (inf, nan, out of range).
inline const char* ParseCsvNumber(const char* p, const char* end, double& value) {
  const char* q = p;
  const bool negative = q != end && *q == '-';
  q += negative;
  uint64_t integer = 0;
  const auto [int_end, int_ec] = std::from_chars(q, end, integer);
  if (int_ec == std::errc()) {
    int digits = static_cast<int>(int_end - q);
    int decimals = 0;
    uint64_t mantissa = integer;
    const char* e = int_end;
    bool simple = true;
    if (e != end && *e == '.') {
      uint64_t fraction = 0;
      const auto [frac_end, frac_ec] = std::from_chars(e + 1, end, fraction);
      decimals = static_cast<int>(frac_end - (e + 1));
      digits += decimals;
      simple = frac_ec == std::errc() && digits <= 15;
      if (simple) mantissa = integer * kIntPowersOfTen[decimals] + fraction;
      e = frac_end;
    }
    if (simple && digits <= 15 && (e == end || (*e != 'e' && *e != 'E'))) {
      const double magnitude = static_cast<double>(mantissa) / kPowersOfTen[decimals];
      value = negative ? -magnitude : magnitude;
      return e;
    }
  }
  const auto [number_end, ec] = std::from_chars(p, end, value);
  if (ec != std::errc() || !std::isfinite(value)) return nullptr;
  return number_end;
}

// Parses a time in decimal seconds, "[-]digits[.digits]" with at most 9 decimals and no
// exponent, into exact integer nanoseconds. Returns the end, or nullptr (not such a number, or
// beyond ±9 223 372 036 s).
inline const char* ParseCsvSeconds(const char* p, const char* end, int64_t& nanoseconds) {
  const char* q = p;
  const bool negative = q != end && *q == '-';
  q += negative;
  uint64_t seconds = 0;
  const auto [int_end, int_ec] = std::from_chars(q, end, seconds);
  if (int_ec != std::errc() || seconds > 9'223'372'035ULL) return nullptr;
  uint64_t fraction_ns = 0;
  const char* e = int_end;
  if (e != end && *e == '.') {
    uint64_t fraction = 0;
    const auto [frac_end, frac_ec] = std::from_chars(e + 1, end, fraction);
    const int decimals = static_cast<int>(frac_end - (e + 1));
    if (frac_ec != std::errc() || decimals > 9) return nullptr;
    fraction_ns = fraction * kIntPowersOfTen[9 - decimals];
    e = frac_end;
  }
  const auto magnitude = static_cast<int64_t>(seconds * 1'000'000'000ULL + fraction_ns);
  nanoseconds = negative ? -magnitude : magnitude;
  return e;
}

}  // namespace pro380::source

#endif  // PRO380_SOURCE_CSV_NUMBER_H_
