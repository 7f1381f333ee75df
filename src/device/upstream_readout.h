// What the `modbus-client:` bridge (docs/sources.md) reads from the meter it re-serves and how
// the words become a live reading: the register blocks of each upstream map and their decoding
// into per-phase values in SI units. Only device/ knows meter addresses: the PRO380 map is read
// through the same protocol 3.2 tables the server encodes with (modbus_readout.h), the SDM630
// through its own table (sdm630_map.h). Pure: words in, values out.
#ifndef PRO380_DEVICE_UPSTREAM_READOUT_H_
#define PRO380_DEVICE_UPSTREAM_READOUT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pro380::device {

enum class UpstreamMap : uint8_t { kPro380, kSdm630 };

// "pro380", "sdm630"; and back (nullopt for another name).
std::string_view UpstreamMapName(UpstreamMap map);
std::optional<UpstreamMap> UpstreamMapFromName(std::string_view name);
// "pro380, sdm630": for messages.
std::string_view UpstreamMapNames();

struct UpstreamBlock {
  uint8_t function;  // 0x03 holding registers, 0x04 input registers
  uint16_t start;
  uint16_t count;
};

// The reads of one poll, in order.
std::span<const UpstreamBlock> UpstreamBlocks(UpstreamMap map);

// One poll's values, SI units (V, A, W, var, Hz). A value the words do not encode validly (a
// NaN, a value the PRO380's decoding refuses) stays nullopt.
struct UpstreamValues {
  struct Phase {
    std::optional<double> voltage_v;
    std::optional<double> current_a;
    std::optional<double> active_w;
    std::optional<double> reactive_var;
  };
  std::array<Phase, 3> phase{};
  std::optional<double> frequency_hz;
};

// Decodes the words of `block` (one of UpstreamBlocks(map)) into `values`.
// REQUIRES: words.size() == block.count.
void DecodeUpstreamBlock(UpstreamMap map, const UpstreamBlock& block,
                         std::span<const uint16_t> words, UpstreamValues& values);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_UPSTREAM_READOUT_H_
