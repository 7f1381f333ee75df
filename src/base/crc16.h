// CRC-16/Modbus (also called CRC-16/ARC with init 0xFFFF): reflected polynomial 0xA001
// (0x8005), initial value 0xFFFF, no final XOR. On the wire the low byte goes first (Modbus over
// serial line V1.02 §2.5.1.2). Shared by the Modbus RTU framers; a frame followed by its own
// CRC (low byte first) checks to 0.
//
// Thread safety: pure functions over a constexpr table.
#ifndef PRO380_BASE_CRC16_H_
#define PRO380_BASE_CRC16_H_

#include <array>
#include <cstdint>
#include <span>

namespace pro380 {

namespace crc16_internal {

constexpr std::array<uint16_t, 256> MakeModbusTable() {
  std::array<uint16_t, 256> table{};
  for (unsigned byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? static_cast<uint16_t>((crc >> 1) ^ 0xA001u)
                            : static_cast<uint16_t>(crc >> 1);
    }
    table[byte] = crc;
  }
  return table;
}

inline constexpr std::array<uint16_t, 256> kModbusTable = MakeModbusTable();

}  // namespace crc16_internal

inline constexpr uint16_t kCrc16ModbusInit = 0xFFFF;

// The CRC of `bytes`, continuing from `crc` (pass a previous result to checksum in pieces).
constexpr uint16_t Crc16Modbus(std::span<const uint8_t> bytes, uint16_t crc = kCrc16ModbusInit) {
  for (const uint8_t byte : bytes) {
    crc = static_cast<uint16_t>((crc >> 8) ^ crc16_internal::kModbusTable[(crc ^ byte) & 0xFFu]);
  }
  return crc;
}

}  // namespace pro380

#endif  // PRO380_BASE_CRC16_H_
