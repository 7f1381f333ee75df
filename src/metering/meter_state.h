// MeterState: everything a meter must keep across a power loss — settings and locks, registers,
// residues, pulse counters — as one plain value, for the persistent store and for export.
// Restoring a saved state and applying the same intervals gives the same registers, pulses and
// residues as never having stopped.
#ifndef PRO380_METERING_METER_STATE_H_
#define PRO380_METERING_METER_STATE_H_

#include <array>
#include <cstdint>

#include "base/status.h"
#include "base/time.h"
#include "metering/energy_lanes.h"
#include "metering/energy_registers.h"
#include "metering/meter.h"

namespace pro380::metering {

struct PulseState {
  int64_t pulses = 0;
  int64_t residue_uwh = 0;

  friend bool operator==(const PulseState&, const PulseState&) = default;
};

struct MeterState {
  MeterConfig config;  // `start` is the meter time of the state (Meter::now())
  std::array<EnergyRegisters, kEnergyKindCount> registers{};
  // Residues in µJ per lane (metering/energy_lanes.h) and direction.
  std::array<std::array<double, kEnergyLaneCount>, kDirectionCount> residues_uj{};
  int64_t day_counter_uwh = 0;
  PulseState s0_forward;
  PulseState s0_reverse;
  std::array<PulseState, kEnergyKindCount> led{};
  int64_t power_down_count = 0;

  friend bool operator==(const MeterState&, const MeterState&) = default;
};

// Checks that a state could have been saved by a meter: known codes, rates and CT ratios,
// consistent CT lock, non-negative registers and counters, residues in [0, 1 µWh), pulse
// residues below one pulse. InvalidArgument names the first offending field.
Status ValidateMeterState(const MeterState& state);

}  // namespace pro380::metering

#endif  // PRO380_METERING_METER_STATE_H_
