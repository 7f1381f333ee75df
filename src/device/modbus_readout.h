// What a Modbus client reads from a PRO380 and how the words become named values: the blocks of
// a whole readout (the protocol 3.2 map, reference pro380-protocols.md §1.3–§1.5, read as the
// reference's real client did, §1.7: 0x4000×32, 0x5000×50, 0x6000×75) and their decoding through
// the same tables the server encodes with (modbus_map_v32.h, register_codec.h). Only device/
// knows the addresses; the client in app/ sees names, units and values.
#ifndef PRO380_DEVICE_MODBUS_READOUT_H_
#define PRO380_DEVICE_MODBUS_READOUT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "device/modbus_map.h"

namespace pro380::device {

struct RegisterBlock {
  uint16_t start;
  uint16_t count;
};

// The three protocol 3.2 blocks, in address order.
std::span<const RegisterBlock> ReadoutBlocks();

// One entry of a readout: what it shows, its value brought to the entry's resolution, and the
// value as text when it is a code rather than a number (serial "22091039", meter code "0102",
// current direction "1F", checksum "0D012D35", status word "00110111").
struct ReadoutValue {
  const RegisterDef* def = nullptr;
  std::optional<double> value;  // nullopt: the words are not a valid encoding (logged by caller)
  std::string text;             // non-empty for codes; empty for numbers
};

// Every protocol 3.2 entry wholly inside `block` (any range: a whole block of ReadoutBlocks() or
// one entry's registers), decoded from `words`. REQUIRES: words.size() == block.count.
std::vector<ReadoutValue> DecodeReadoutBlock(const RegisterBlock& block,
                                             std::span<const uint16_t> words);

// The words a write of `value` to the writable entry `def` sends (register_codec's Encode).
std::vector<uint16_t> EncodeSettingWords(const RegisterDef& def, double value);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MODBUS_READOUT_H_
