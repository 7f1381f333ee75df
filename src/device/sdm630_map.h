// The Eastron SDM630-Modbus (V2) input registers the `modbus-client:` bridge reads
// (docs/sources.md, "The `modbus-client:` source"), as a typed constexpr table. Source: Eastron,
// "SDM630Modbus Smart Meter Modbus Protocol Implementation" V1.8, input register table (FC04;
// register 30001 is wire address 0x0000). Every value is an IEEE-754 float32 in two registers,
// high word first; the meter answers at most 80 registers (40 values) a request and refuses an
// odd start or count. Values the chosen wiring does not use read 0.
//
// Only the values a live source takes are listed: per-phase voltage (L-N), current, active and
// reactive power, and the frequency. The SDM630's import/export energies (0x0048, 0x004A) are not
// read: the re-served meter registers its own energy (docs/sources.md says why).
#ifndef PRO380_DEVICE_SDM630_MAP_H_
#define PRO380_DEVICE_SDM630_MAP_H_

#include <array>
#include <cstdint>
#include <string_view>

namespace pro380::device::sdm630 {

enum class Value : uint8_t { kVoltage, kCurrent, kActivePower, kReactivePower, kFrequency };

struct InputRegister {
  uint16_t address;  // wire address of the first of its two registers
  Value value;
  uint8_t phase;  // 0..2; 0 for the frequency
  std::string_view unit;
};

inline constexpr std::array kInputRegisters = {
    InputRegister{0x0000, Value::kVoltage, 0, "V"},          // 30001 phase 1 line to neutral
    InputRegister{0x0002, Value::kVoltage, 1, "V"},          // 30003
    InputRegister{0x0004, Value::kVoltage, 2, "V"},          // 30005
    InputRegister{0x0006, Value::kCurrent, 0, "A"},          // 30007 phase 1 current
    InputRegister{0x0008, Value::kCurrent, 1, "A"},          // 30009
    InputRegister{0x000A, Value::kCurrent, 2, "A"},          // 30011
    InputRegister{0x000C, Value::kActivePower, 0, "W"},      // 30013 phase 1 power
    InputRegister{0x000E, Value::kActivePower, 1, "W"},      // 30015
    InputRegister{0x0010, Value::kActivePower, 2, "W"},      // 30017
    InputRegister{0x0018, Value::kReactivePower, 0, "var"},  // 30025 phase 1 volt amps reactive
    InputRegister{0x001A, Value::kReactivePower, 1, "var"},  // 30027
    InputRegister{0x001C, Value::kReactivePower, 2, "var"},  // 30029
    InputRegister{0x0046, Value::kFrequency, 0, "Hz"},       // 30071 frequency of supply voltages
};

// The reads that cover the table: two requests, even starts and counts, at most 80 registers,
// and no register between the tables' entries that the document leaves undefined (0x0024 to
// 0x0045 hold other values; reading across them would work but costs bytes on a 9600 baud bus).
struct Block {
  uint16_t start;
  uint16_t count;
};
inline constexpr std::array kBlocks = {Block{0x0000, 30}, Block{0x0046, 2}};

constexpr bool TableIsSound() {
  for (std::size_t i = 0; i < kInputRegisters.size(); ++i) {
    const InputRegister& r = kInputRegisters[i];
    if (r.address % 2 != 0 || r.phase > 2) return false;
    if (i > 0 && kInputRegisters[i - 1].address + 2 > r.address) return false;  // sorted, disjoint
    bool covered = false;
    for (const Block& b : kBlocks)
      covered |= r.address >= b.start && r.address + 2 <= b.start + b.count;
    if (!covered) return false;
  }
  for (const Block& b : kBlocks) {
    if (b.start % 2 != 0 || b.count % 2 != 0 || b.count == 0 || b.count > 80) return false;
  }
  return true;
}
static_assert(TableIsSound(), "SDM630 table: sorted, float pairs at even addresses, in a block");

}  // namespace pro380::device::sdm630

#endif  // PRO380_DEVICE_SDM630_MAP_H_
