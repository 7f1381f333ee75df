#include "app/preset_keys.h"

#include <array>
#include <string>

namespace pro380::app {
namespace {

using metering::QuantityId;
using metering::QuantityInfo;

// Each group's total; its T1, T2, L1, L2, L3 registers follow it in the quantity table (the
// Modbus 0x6000 order). The total itself is derived by the meter, so it cannot be preset.
constexpr std::array<QuantityId, 4> kGroupTotals = {
    QuantityId::kForwardActiveEnergyKwh, QuantityId::kReverseActiveEnergyKwh,
    QuantityId::kForwardReactiveEnergyKvarh, QuantityId::kReverseReactiveEnergyKvarh};
constexpr int kMembersPerGroup = 5;

QuantityId Member(QuantityId total, int k) {
  return static_cast<QuantityId>(static_cast<int>(total) + k);
}

std::string BuildKeyList() {
  std::string list;
  for (const QuantityId total : kGroupTotals) {
    // "forward_active_energy_kwh" -> "forward_active_energy" and "kwh"; a member's name is
    // prefix_TAG_unit, e.g. "forward_active_energy_t1_kwh".
    const std::string_view name = QuantityInfo(total).name;
    const std::size_t cut = name.rfind('_');
    const std::string_view prefix = name.substr(0, cut);
    const std::string_view unit = name.substr(cut + 1);
    list += std::string(prefix) + "_{";
    for (int k = 1; k <= kMembersPerGroup; ++k) {
      const std::string_view member = QuantityInfo(Member(total, k)).name;
      const std::size_t tag_size = member.size() - prefix.size() - unit.size() - 2;
      list += std::string(member.substr(prefix.size() + 1, tag_size));
      list += k < kMembersPerGroup ? "," : "}_";
    }
    list += std::string(unit) + ", ";
  }
  return list + std::string(QuantityInfo(QuantityId::kDayCounterKwh).name) + ", " +
         std::string(QuantityInfo(QuantityId::kPowerDownCount).name);
}

}  // namespace

std::optional<QuantityId> PresetEnergyFromKey(std::string_view key) {
  for (const QuantityId total : kGroupTotals) {
    for (int k = 1; k <= kMembersPerGroup; ++k) {
      if (QuantityInfo(Member(total, k)).name == key) return Member(total, k);
    }
  }
  if (QuantityInfo(QuantityId::kDayCounterKwh).name == key) return QuantityId::kDayCounterKwh;
  return std::nullopt;
}

std::string_view PresetKeyList() {
  static const std::string kList = BuildKeyList();
  return kList;
}

}  // namespace pro380::app
