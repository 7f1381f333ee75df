// The PRO380 Modbus register maps as typed constexpr tables (style-anchors §7 practice 4): each
// entry binds an address to an encoding, the device's resolution, a unit, what it shows (a
// quantity of metering/quantity.h or a device value) and its access. The server-facing
// behaviour (ranges, exceptions, writes) is Pro380RegisterBank's; the tables are data only.
//
// The tables themselves are in modbus_map_v32.h (protocol 3.2 map, reference
// pro380-protocols.md §1.3–§1.5) and modbus_map_v1.h (the old map, §1.8); both are checked at
// compile time to be sorted, non-overlapping and to take their register counts from the
// encoding. docs/registers/modbus.md describes them for users.
#ifndef PRO380_DEVICE_MODBUS_MAP_H_
#define PRO380_DEVICE_MODBUS_MAP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "metering/quantity.h"

namespace pro380::device {

// How a value is laid out in registers (reference §1.2). Multi-register values are big-endian,
// high word first ("ABCD").
enum class Encoding : uint8_t {
  kFloat32,  // IEEE-754 single, 2 registers
  kS16,      // signed 16-bit integer ("Signed" in the official table)
  kHex16,    // a raw 16-bit code shown as hex digits (meter code)
  kHex32,    // a raw 32-bit code, 2 registers (checksum)
  kBcd16,    // decimal digits as hex nibbles ("HEX"/BCD-like: LCD time 10 s = 0x0010)
  kBcd32,    // 8 decimal digits as hex nibbles, 2 registers (serial 22091039 = 0x2209 0x1039)
  kAscii2,   // two ASCII characters, first in the high byte (current direction "1F")
};

constexpr uint16_t RegisterCount(Encoding encoding) {
  switch (encoding) {
    case Encoding::kFloat32:
    case Encoding::kHex32:
    case Encoding::kBcd32:
      return 2;
    case Encoding::kS16:
    case Encoding::kHex16:
    case Encoding::kBcd16:
    case Encoding::kAscii2:
      return 1;
  }
  return 0;
}

enum class Access : uint8_t { kRead, kReadWrite };

// Values of the map that are not quantities of the quantity table: identity, line settings,
// versions and status (reference §1.3).
enum class DeviceValue : uint8_t {
  kNone,  // the entry shows a quantity
  kSerialNumber,
  kMeterCode,
  kModbusId,
  kBaudRate,
  kProtocolVersion,
  kSoftwareVersion,
  kHardwareVersion,
  kMeterAmps,
  kLcdCycleTime,
  kParity,
  kCurrentDirectionL1,
  kCurrentDirectionL2,
  kCurrentDirectionL3,
  kErrorCode,
  kChecksum,
  kStatusWord,
  kCtMode,
  kSinglePhaseOnly,  // PRO1-only registers (0x5000 voltage, 0x500A current): answered 0.0 (§1.4)
};

// How a value is brought to the device's resolution before it is encoded.
enum class Rounding : uint8_t {
  kNearest,   // instantaneous values
  kTruncate,  // energies: a register shows only completed hundredths, like the display
};

struct RegisterDef {
  uint16_t address;
  Encoding encoding;
  metering::QuantityId quantity;  // QuantityId::kCount when `device` is not kNone
  DeviceValue device;
  // Decimal places the device keeps (the dump's floats are all nearest floats of decimals with
  // this many places, §1.7); -1 = exact (versions, S0 rate).
  int8_t decimals;
  Rounding rounding;
  std::string_view unit;
  Access access;

  constexpr uint16_t count() const { return RegisterCount(encoding); }
  constexpr uint32_t end() const { return uint32_t{address} + count(); }
  constexpr bool shows_quantity() const { return device == DeviceValue::kNone; }
};

// Builders that keep the tables readable.
constexpr RegisterDef Measured(uint16_t address, metering::QuantityId quantity, int8_t decimals) {
  return {address,
          Encoding::kFloat32,
          quantity,
          DeviceValue::kNone,
          decimals,
          Rounding::kNearest,
          metering::QuantityInfo(quantity).unit,
          Access::kRead};
}
constexpr RegisterDef Energy(uint16_t address, metering::QuantityId quantity,
                             Access access = Access::kRead) {
  return {address,
          Encoding::kFloat32,
          quantity,
          DeviceValue::kNone,
          2,
          Rounding::kTruncate,
          metering::QuantityInfo(quantity).unit,
          access};
}
constexpr RegisterDef Setting(uint16_t address, metering::QuantityId quantity, Encoding encoding,
                              Access access) {
  return {address,
          encoding,
          quantity,
          DeviceValue::kNone,
          -1,
          Rounding::kNearest,
          metering::QuantityInfo(quantity).unit,
          access};
}
constexpr RegisterDef Device(uint16_t address, DeviceValue value, Encoding encoding,
                             std::string_view unit = "", Access access = Access::kRead) {
  return {address, encoding, metering::QuantityId::kCount, value, -1, Rounding::kNearest,
          unit,    access};
}

// True when entries are sorted by address and none overlaps the next.
constexpr bool IsSortedAndDisjoint(std::span<const RegisterDef> table) {
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (table[i - 1].end() > table[i].address) return false;
  }
  return true;
}

// True when each entry starts where the previous one ends (a block without holes).
constexpr bool IsGapless(std::span<const RegisterDef> table) {
  for (std::size_t i = 1; i < table.size(); ++i) {
    if (table[i - 1].end() != table[i].address) return false;
  }
  return true;
}

// True when every entry shows exactly one thing: a quantity or a device value, not both.
constexpr bool BindingsAreWellFormed(std::span<const RegisterDef> table) {
  for (const RegisterDef& def : table) {
    const bool quantity = def.quantity != metering::QuantityId::kCount;
    if (quantity == (def.device != DeviceValue::kNone)) return false;
  }
  return true;
}

// The maps served, in address order (old map below 0x4000, protocol 3.2 map from 0x4000).
std::span<const std::span<const RegisterDef>> AllRegisterTables();

// The entry whose registers include `address`, or nullptr.
const RegisterDef* FindRegister(uint16_t address);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MODBUS_MAP_H_
