// The CSV number fields: the fast path must give exactly what std::from_chars gives, for every
// shape of number, and the time field must be exact nanoseconds.
#include "source/csv_number.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <random>
#include <string>

namespace pro380::source {
namespace {

// What the reader would get from plain std::from_chars: the end and the value, or nullptr.
const char* Reference(const std::string& text, double& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value)) return nullptr;
  return end;
}

void ExpectSameAsFromChars(const std::string& text) {
  double expected = 0;
  double actual = 0;
  const char* expected_end = Reference(text, expected);
  const char* actual_end = ParseCsvNumber(text.data(), text.data() + text.size(), actual);
  ASSERT_EQ(actual_end == nullptr, expected_end == nullptr) << "'" << text << "'";
  if (expected_end == nullptr) return;
  EXPECT_EQ(actual_end - text.data(), expected_end - text.data()) << "'" << text << "'";
  EXPECT_EQ(std::bit_cast<uint64_t>(actual), std::bit_cast<uint64_t>(expected))
      << "'" << text << "': " << actual << " vs " << expected;
}

TEST(CsvNumber, HandPickedShapesMatchFromChars) {
  for (const char* text : {"0",
                           "-0",
                           "0.0",
                           "-0.0",
                           "1",
                           "42.4",
                           "-1210.5",
                           "230.05",
                           "000123.4500",
                           "1.",
                           "-1.",
                           ".5",
                           "-.5",
                           "5e3",
                           "5E-3",
                           "-2.5e+2",
                           "1e400",
                           "-1e400",
                           "1e-400",
                           "nan",
                           "inf",
                           "-inf",
                           "+5",
                           "-",
                           ".",
                           "",
                           "abc",
                           "12abc",
                           "1.2.3",
                           "0x10",
                           "999999999999999",
                           "9999999999999999",
                           "123456789012.345",
                           "1234567890123.4567",
                           "0.1",
                           "0.3",
                           "12345678901234567890",
                           "1.00000000000000000000001",
                           "4503599627370497.5",
                           "17,5",
                           "1 ",
                           " 1",
                           "2.2250738585072011e-308",
                           "1.7976931348623157e308"}) {
    ExpectSameAsFromChars(text);
  }
}

TEST(CsvNumber, RandomDecimalsMatchFromCharsBitForBit) {
  std::mt19937_64 rng(380);
  std::uniform_int_distribution<int> digits(0, 19), coin(0, 3), digit(0, 9);
  for (int i = 0; i < 200000; ++i) {
    std::string text;
    if (coin(rng) == 0) text += '-';
    const int int_digits = digits(rng) % 12 + (coin(rng) == 0 ? 0 : 1);
    for (int d = 0; d < int_digits; ++d) text += static_cast<char>('0' + digit(rng));
    if (coin(rng) != 0) {
      text += '.';
      const int frac_digits = digits(rng);
      for (int d = 0; d < frac_digits; ++d) text += static_cast<char>('0' + digit(rng));
    }
    if (coin(rng) == 0 && coin(rng) == 0) text += "e" + std::to_string(digit(rng) - 5);
    if (coin(rng) == 0) text += ',';
    ExpectSameAsFromChars(text);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(CsvSeconds, ExactNanoseconds) {
  const auto parse = [](const std::string& text, int64_t& ns) {
    const char* end = ParseCsvSeconds(text.data(), text.data() + text.size(), ns);
    return end == nullptr ? -1 : end - text.data();
  };
  int64_t ns = 0;
  EXPECT_EQ(parse("0", ns), 1);
  EXPECT_EQ(ns, 0);
  EXPECT_EQ(parse("17.25", ns), 5);
  EXPECT_EQ(ns, 17'250'000'000);
  EXPECT_EQ(parse("1767225600.000000001", ns), 20);
  EXPECT_EQ(ns, 1'767'225'600'000'000'001);
  EXPECT_EQ(parse("-1.5,", ns), 4);
  EXPECT_EQ(ns, -1'500'000'000);
  EXPECT_EQ(parse("9223372035.999999999", ns), 20);
  EXPECT_EQ(parse("9223372036", ns), -1);    // beyond int64 nanoseconds
  EXPECT_EQ(parse("1.0000000001", ns), -1);  // 10 decimals
  EXPECT_EQ(parse("1.", ns), -1);
  EXPECT_EQ(parse(".5", ns), -1);
  EXPECT_EQ(parse("+1", ns), -1);
  EXPECT_EQ(parse("1e3", ns), 1);  // stops before the exponent; the reader rejects the rest
}

}  // namespace
}  // namespace pro380::source
