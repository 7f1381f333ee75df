#include "device/register_codec.h"

#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace pro380::device {
namespace {

uint32_t ToBcd(uint64_t number, int digits) {
  uint32_t bcd = 0;
  for (int i = 0; i < digits; ++i) {
    bcd |= static_cast<uint32_t>(number % 10) << (4 * i);
    number /= 10;
  }
  return bcd;
}

std::optional<uint32_t> FromBcd(uint32_t bcd, int digits) {
  uint32_t number = 0;
  for (int i = digits - 1; i >= 0; --i) {
    const uint32_t nibble = (bcd >> (4 * i)) & 0xF;
    if (nibble > 9) return std::nullopt;
    number = number * 10 + nibble;
  }
  return number;
}

EntryWords Split(uint32_t raw) {
  return {static_cast<uint16_t>(raw >> 16), static_cast<uint16_t>(raw & 0xFFFF)};
}

}  // namespace

double Quantize(const RegisterDef& def, double value) {
  if (def.decimals < 0) return value;
  const double scale = std::pow(10.0, def.decimals);
  if (def.rounding == Rounding::kNearest) return std::round(value * scale) / scale;
  // Truncation toward zero. The allowance of a few ulps absorbs the µWh → kWh conversion's
  // rounding, so that a register of exactly 15062.03 kWh shows 15062.03, never 15062.02; it stays
  // below 1 µWh up to 10⁶ kWh (the display's 999999.99 kWh), so 1 µWh short of a hundredth
  // still shows the hundredth below.
  const double scaled = value * scale;
  const double allowance = 4 * std::numeric_limits<double>::epsilon() * std::fabs(scaled);
  return std::trunc(scaled + std::copysign(allowance, scaled)) / scale;
}

EntryWords Encode(const RegisterDef& def, double value) {
  const double quantized = Quantize(def, value);
  const auto integer = static_cast<int64_t>(std::llround(quantized));
  switch (def.encoding) {
    case Encoding::kFloat32:
      return Split(std::bit_cast<uint32_t>(static_cast<float>(quantized)));
    case Encoding::kS16:
    case Encoding::kHex16:
    case Encoding::kAscii2:
      return {static_cast<uint16_t>(integer), 0};
    case Encoding::kHex32:
      return Split(static_cast<uint32_t>(integer));
    case Encoding::kBcd16:
      return {static_cast<uint16_t>(ToBcd(static_cast<uint64_t>(std::llabs(integer)), 4)), 0};
    case Encoding::kBcd32:
      return Split(ToBcd(static_cast<uint64_t>(std::llabs(integer)), 8));
  }
  return {};
}

std::optional<double> Decode(Encoding encoding, std::span<const uint16_t> words) {
  const uint32_t raw = words.size() >= 2 ? (uint32_t{words[0]} << 16) | words[1] : words[0];
  switch (encoding) {
    case Encoding::kFloat32: {
      const float value = std::bit_cast<float>(raw);
      if (!std::isfinite(value)) return std::nullopt;
      return value;
    }
    case Encoding::kS16:
      return static_cast<int16_t>(words[0]);
    case Encoding::kHex16:
    case Encoding::kAscii2:
    case Encoding::kHex32:
      return raw;
    case Encoding::kBcd16:
      return FromBcd(raw, 4);
    case Encoding::kBcd32:
      return FromBcd(raw, 8);
  }
  return std::nullopt;
}

}  // namespace pro380::device
