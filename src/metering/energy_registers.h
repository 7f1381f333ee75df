// The energy registers of one kind (active in µWh, reactive in µvarh). All derived totals of the
// Modbus 0x6000 block are computed from these on demand, so they can never disagree.
#ifndef PRO380_METERING_ENERGY_REGISTERS_H_
#define PRO380_METERING_ENERGY_REGISTERS_H_

#include <array>
#include <cstdint>

#include "metering/types.h"

namespace pro380::metering {

struct EnergyRegisters {
  // Per-phase forward and reverse energy, per tariff. Never netted: a phase's own flow.
  std::array<std::array<std::array<int64_t, kTariffCount>, kDirectionCount>, kPhaseCount> phase{};
  // The "total forward / total reverse" registers, per tariff. Outside C-10 each step adds
  // exactly the sum of what the phases received; under C-10 the netted (saldierend) energy.
  std::array<std::array<int64_t, kTariffCount>, kDirectionCount> total{};

  int64_t Total(Direction d) const {
    const auto& t = total[static_cast<int>(d)];
    return t[0] + t[1];
  }
  int64_t Total(Direction d, Tariff t) const {
    return total[static_cast<int>(d)][static_cast<int>(t)];
  }
  int64_t Phase(int phase_index, Direction d) const {
    const auto& p = phase[phase_index][static_cast<int>(d)];
    return p[0] + p[1];
  }

  friend bool operator==(const EnergyRegisters&, const EnergyRegisters&) = default;
};

// The combined-code result (manual §6.10) from a forward and a reverse magnitude.
constexpr int64_t Combine(CombinedCode code, int64_t forward, int64_t reverse) {
  switch (code) {
    case CombinedCode::kForwardOnly:
      return forward;
    case CombinedCode::kReverseOnly:
      return -reverse;
    case CombinedCode::kForwardPlusReverse:
      return forward + reverse;
    case CombinedCode::kReverseMinusForward:
      return -reverse - forward;
    case CombinedCode::kForwardMinusReverse:
    case CombinedCode::kNetted:
    case CombinedCode::kNettedPulses:
      return forward - reverse;
  }
  return 0;
}

}  // namespace pro380::metering

#endif  // PRO380_METERING_ENERGY_REGISTERS_H_
