// Conversion between a value and the words of a register entry (reference
// pro380-protocols.md §1.2: big-endian words, high word first; floats IEEE-754 "ABCD").
#ifndef PRO380_DEVICE_REGISTER_CODEC_H_
#define PRO380_DEVICE_REGISTER_CODEC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "device/modbus_map.h"

namespace pro380::device {

// Up to two words; def.count() of them are used.
using EntryWords = std::array<uint16_t, 2>;

// The value brought to the entry's resolution (RegisterDef::decimals, ::rounding).
double Quantize(const RegisterDef& def, double value);

// The words of `value` (already in the entry's unit). Integer encodings take the value rounded
// to an integer: kS16 keeps its low 16 bits (a counter wraps like a 16-bit register), kBcd16 and
// kBcd32 its last 4 or 8 decimal digits, kHex16/kHex32/kAscii2 the raw code.
EntryWords Encode(const RegisterDef& def, double value);

// The value `words` (def.count() of them) stand for, or nullopt when they are not a valid
// encoding (a BCD nibble above 9, a float that is not finite).
std::optional<double> Decode(Encoding encoding, std::span<const uint16_t> words);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_REGISTER_CODEC_H_
