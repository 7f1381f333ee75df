// The stored names of a MeterState's fields: the columns of the `meters` table (schema version 1,
// docs/formats/state.md) and the keys of `pro380 state export` JSON. DO NOT CHANGE the names or
// the order: they are the stored format.
#ifndef PRO380_STORAGE_STATE_COLUMNS_H_
#define PRO380_STORAGE_STATE_COLUMNS_H_

#include <array>
#include <string>
#include <string_view>

#include "metering/meter_state.h"

namespace pro380::storage {

namespace column_parts {
inline constexpr std::array<const char*, 2> kKinds = {"active", "reactive"};
inline constexpr std::array<const char*, 2> kUnits = {"_uwh", "_uvarh"};
inline constexpr std::array<const char*, 2> kDirections = {"forward", "reverse"};
inline constexpr std::array<const char*, 4> kLanes = {"l1", "l2", "l3", "net"};
}  // namespace column_parts

// Calls f(column_name, field) for every counter, register and residue of a MeterState, in the
// column order of schema version 1 (docs/formats/state.md). DO NOT CHANGE the names or the order:
// they are the stored format. Integer fields are int64_t, residues double. `column_name` is a
// callable returning the name as a std::string, built only when called: the save of 1,000 meters
// per second does not need the names (docs/performance.md, "The state store pair").
template <typename State, typename F>
constexpr void ForEachNumber(State& s, F&& f) {
  const auto named = [](const char* name) { return [name] { return std::string(name); }; };
  f(named("day_counter_uwh"), s.day_counter_uwh);
  f(named("power_down_count"), s.power_down_count);
  f(named("s0_forward_pulses"), s.s0_forward.pulses);
  f(named("s0_forward_residue_uwh"), s.s0_forward.residue_uwh);
  f(named("s0_reverse_pulses"), s.s0_reverse.pulses);
  f(named("s0_reverse_residue_uwh"), s.s0_reverse.residue_uwh);
  f(named("led_active_pulses"), s.led[0].pulses);
  f(named("led_active_residue_uwh"), s.led[0].residue_uwh);
  f(named("led_reactive_pulses"), s.led[1].pulses);
  f(named("led_reactive_residue_uwh"), s.led[1].residue_uwh);
  using column_parts::kDirections;
  using column_parts::kKinds;
  using column_parts::kLanes;
  using column_parts::kUnits;
  for (int k = 0; k < metering::kEnergyKindCount; ++k) {
    for (int d = 0; d < metering::kDirectionCount; ++d) {
      const auto prefix = [k, d] { return std::string(kKinds[k]) + "_" + kDirections[d] + "_"; };
      for (int p = 0; p < metering::kPhaseCount; ++p) {
        for (int t = 0; t < metering::kTariffCount; ++t) {
          f([&prefix, k, p,
             t] { return prefix() + kLanes[p] + "_t" + std::to_string(t + 1) + kUnits[k]; },
            s.registers[k].phase[p][d][t]);
        }
      }
      for (int t = 0; t < metering::kTariffCount; ++t) {
        f([&prefix, k, t] { return prefix() + "total_t" + std::to_string(t + 1) + kUnits[k]; },
          s.registers[k].total[d][t]);
      }
    }
  }
  for (int d = 0; d < metering::kDirectionCount; ++d) {
    for (int lane = 0; lane < metering::kEnergyLaneCount; ++lane) {
      f(
          [d, lane] {
            const int k = lane / (metering::kPhaseCount + 1);
            return std::string("residue_") + kKinds[k] + "_" + kDirections[d] + "_" +
                   kLanes[lane % (metering::kPhaseCount + 1)] + "_uj";
          },
          s.residues_uj[d][lane]);
    }
  }
}

// The columns before the numbers: the meter's key, the save time and its settings.
inline constexpr std::array<std::string_view, 10> kHeadColumns = {
    "key",    "saved_wall_time_ns", "meter_time_ns",    "ct_variant", "ct_ratio", "ct_locked",
    "wiring", "combined_code",      "s0_uwh_per_pulse", "tariff"};

}  // namespace pro380::storage

#endif  // PRO380_STORAGE_STATE_COLUMNS_H_
