#include "device/modbus_readout.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "device/modbus_map_v32.h"
#include "device/register_codec.h"

namespace pro380::device {
namespace {

template <std::size_t N>
constexpr RegisterBlock BlockOf(const std::array<RegisterDef, N>& table) {
  return {table.front().address, static_cast<uint16_t>(table.back().end() - table.front().address)};
}

constexpr std::array kBlocks = {BlockOf(v32::kInfoBlock), BlockOf(v32::kMeasurementBlock),
                                BlockOf(v32::kEnergyBlock)};
constexpr std::array<std::span<const RegisterDef>, 3> kTables = {
    v32::kInfoBlock, v32::kMeasurementBlock, v32::kEnergyBlock};
static_assert(kBlocks[0].count == 32 && kBlocks[1].count == 50 && kBlocks[2].count == 75);

std::string Hex(uint32_t raw, int digits) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string text(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, raw >>= 4)
    text[static_cast<std::size_t>(i)] = kDigits[raw & 0xF];
  return text;
}

// The text of a code entry, or "" for numbers.
std::string CodeText(const RegisterDef& def, std::span<const uint16_t> words) {
  const uint32_t raw = def.count() == 2 ? (uint32_t{words[0]} << 16) | words[1] : words[0];
  switch (def.encoding) {
    case Encoding::kHex16:
      return Hex(raw, 4);
    case Encoding::kHex32:
      return Hex(raw, 8);
    case Encoding::kBcd32:
      return Hex(raw, 8);  // the serial and the status word are digit strings
    case Encoding::kAscii2: {
      std::string text;
      for (const uint8_t byte : {static_cast<uint8_t>(raw >> 8), static_cast<uint8_t>(raw)}) {
        text.push_back(byte >= 0x20 && byte < 0x7F ? static_cast<char>(byte) : '?');
      }
      return text;
    }
    case Encoding::kFloat32:
    case Encoding::kS16:
    case Encoding::kBcd16:
      return "";
  }
  return "";
}

// A float entry without a declared resolution (versions, S0 rate) as the shortest decimal that
// is the same float: 3.2, not 3.2000000476837.
double ShortestDecimal(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text - 1, static_cast<float>(value));
  *result.ptr = '\0';
  return std::strtod(text, nullptr);
}

// The decimal the register stands for. The server truncated energies to hundredths before
// encoding, so the float is the nearest float of that decimal (§1.7): the client takes the
// nearest decimal back (6483.44 is the float 6483.43994…; truncating would show 6483.43).
double ToResolution(const RegisterDef& def, double value) {
  if (def.decimals >= 0) {
    const double scale = std::pow(10.0, def.decimals);
    return std::round(value * scale) / scale;
  }
  return def.encoding == Encoding::kFloat32 ? ShortestDecimal(value) : value;
}

}  // namespace

std::span<const RegisterBlock> ReadoutBlocks() { return kBlocks; }

std::vector<ReadoutValue> DecodeReadoutBlock(const RegisterBlock& block,
                                             std::span<const uint16_t> words) {
  std::vector<ReadoutValue> values;
  for (std::span<const RegisterDef> table : kTables) {
    for (const RegisterDef& def : table) {
      if (def.address < block.start || def.end() > uint32_t{block.start} + words.size()) continue;
      const std::span<const uint16_t> entry = words.subspan(def.address - block.start, def.count());
      ReadoutValue value{&def, Decode(def.encoding, entry), CodeText(def, entry)};
      if (value.value) value.value = ToResolution(def, *value.value);
      values.push_back(std::move(value));
    }
  }
  return values;
}

std::vector<uint16_t> EncodeSettingWords(const RegisterDef& def, double value) {
  const EntryWords words = Encode(def, value);
  return {words.begin(), words.begin() + def.count()};
}

}  // namespace pro380::device
