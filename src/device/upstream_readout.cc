#include "device/upstream_readout.h"

#include <bit>
#include <cmath>
#include <vector>

#include "device/modbus_readout.h"
#include "device/sdm630_map.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

// The PRO380's measurement block (protocol 3.2, 0x5000×50): one read, as the reference's real
// clients read it (pro380-protocols.md §1.7).
const std::array<UpstreamBlock, 1>& Pro380Blocks() {
  static const std::array<UpstreamBlock, 1> kBlocks = [] {
    const RegisterBlock measurements = ReadoutBlocks()[1];
    return std::array<UpstreamBlock, 1>{
        UpstreamBlock{0x03, measurements.start, measurements.count}};
  }();
  return kBlocks;
}

constexpr std::array<UpstreamBlock, sdm630::kBlocks.size()> Sdm630Blocks() {
  std::array<UpstreamBlock, sdm630::kBlocks.size()> blocks{};
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    blocks[i] = {0x04, sdm630::kBlocks[i].start, sdm630::kBlocks[i].count};
  }
  return blocks;
}
constexpr auto kSdm630Blocks = Sdm630Blocks();

// The phase (0..2) of `id` among the three per-phase quantities from `l1`, or -1.
int PhaseOf(QuantityId id, QuantityId l1) {
  const int k = static_cast<int>(id) - static_cast<int>(l1);
  return k >= 0 && k < 3 ? k : -1;
}

void DecodePro380(const UpstreamBlock& block, std::span<const uint16_t> words,
                  UpstreamValues& values) {
  for (const ReadoutValue& entry : DecodeReadoutBlock({block.start, block.count}, words)) {
    if (!entry.def->shows_quantity() || !entry.value) continue;
    const QuantityId id = entry.def->quantity;
    const double v = *entry.value;
    const int voltage = PhaseOf(id, QuantityId::kVoltageL1V);
    const int current = PhaseOf(id, QuantityId::kCurrentL1A);
    const int active = PhaseOf(id, QuantityId::kActivePowerL1Kw);
    const int reactive = PhaseOf(id, QuantityId::kReactivePowerL1Kvar);
    if (id == QuantityId::kFrequencyHz) {
      values.frequency_hz = v;
    } else if (voltage >= 0) {
      values.phase[voltage].voltage_v = v;
    } else if (current >= 0) {
      values.phase[current].current_a = v;
    } else if (active >= 0) {
      values.phase[active].active_w = v * 1000.0;  // the PRO380 states kW
    } else if (reactive >= 0) {
      values.phase[reactive].reactive_var = v * 1000.0;  // kvar
    }
  }
}

void DecodeSdm630(const UpstreamBlock& block, std::span<const uint16_t> words,
                  UpstreamValues& values) {
  for (const sdm630::InputRegister& r : sdm630::kInputRegisters) {
    if (r.address < block.start || r.address + 2 > block.start + block.count) continue;
    const std::size_t at = r.address - block.start;
    const float f = std::bit_cast<float>((uint32_t{words[at]} << 16) | words[at + 1]);
    if (!std::isfinite(f)) continue;
    const double v = f;
    UpstreamValues::Phase& phase = values.phase[r.phase];
    switch (r.value) {
      case sdm630::Value::kVoltage:
        phase.voltage_v = v;
        break;
      case sdm630::Value::kCurrent:
        phase.current_a = v;
        break;
      case sdm630::Value::kActivePower:
        phase.active_w = v;
        break;
      case sdm630::Value::kReactivePower:
        phase.reactive_var = v;
        break;
      case sdm630::Value::kFrequency:
        values.frequency_hz = v;
        break;
    }
  }
}

}  // namespace

std::string_view UpstreamMapName(UpstreamMap map) {
  return map == UpstreamMap::kSdm630 ? "sdm630" : "pro380";
}

std::optional<UpstreamMap> UpstreamMapFromName(std::string_view name) {
  if (name == "pro380") return UpstreamMap::kPro380;
  if (name == "sdm630") return UpstreamMap::kSdm630;
  return std::nullopt;
}

std::string_view UpstreamMapNames() { return "pro380, sdm630"; }

std::span<const UpstreamBlock> UpstreamBlocks(UpstreamMap map) {
  if (map == UpstreamMap::kSdm630) return kSdm630Blocks;
  return Pro380Blocks();
}

void DecodeUpstreamBlock(UpstreamMap map, const UpstreamBlock& block,
                         std::span<const uint16_t> words, UpstreamValues& values) {
  if (map == UpstreamMap::kSdm630) {
    DecodeSdm630(block, words, values);
  } else {
    DecodePro380(block, words, values);
  }
}

}  // namespace pro380::device
