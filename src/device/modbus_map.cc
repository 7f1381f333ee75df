#include "device/modbus_map.h"

#include <algorithm>
#include <array>

#include "device/modbus_map_v1.h"
#include "device/modbus_map_v32.h"

namespace pro380::device {
namespace {

constexpr std::array<std::span<const RegisterDef>, 6> kTables = {
    v1::kInfo,       v1::kMeasurements,      v1::kEnergies,
    v32::kInfoBlock, v32::kMeasurementBlock, v32::kEnergyBlock,
};

constexpr bool TablesAreInAddressOrder() {
  for (std::size_t i = 1; i < kTables.size(); ++i) {
    if (kTables[i - 1].back().end() > kTables[i].front().address) return false;
  }
  return true;
}
static_assert(TablesAreInAddressOrder());

}  // namespace

std::span<const std::span<const RegisterDef>> AllRegisterTables() { return kTables; }

const RegisterDef* FindRegister(uint16_t address) {
  for (std::span<const RegisterDef> table : kTables) {
    if (address < table.front().address || address >= table.back().end()) continue;
    // The last entry starting at or before `address`.
    auto it = std::upper_bound(table.begin(), table.end(), address,
                               [](uint16_t a, const RegisterDef& def) { return a < def.address; });
    if (it == table.begin()) return nullptr;
    const RegisterDef& def = *(it - 1);
    return address < def.end() ? &def : nullptr;
  }
  return nullptr;
}

}  // namespace pro380::device
