#include "metering/meter_state.h"

#include <cmath>
#include <string>

#include "metering/ct_ratio.h"

namespace pro380::metering {
namespace {

Status Bad(const std::string& field, const std::string& problem) {
  return Status::InvalidArgument("meter state: " + field + " " + problem);
}

Status CheckPulse(const std::string& name, const PulseState& p, int64_t uwh_per_pulse) {
  if (p.pulses < 0) return Bad(name + ".pulses", "is negative");
  if (p.residue_uwh < 0 || p.residue_uwh >= uwh_per_pulse) {
    return Bad(name + ".residue_uwh", "is outside 0.." + std::to_string(uwh_per_pulse - 1));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateMeterState(const MeterState& s) {
  const MeterConfig& c = s.config;
  if (!CombinedCodeFromNumber(static_cast<int>(c.combined_code))) {
    return Bad("combined_code", "is not one of 1, 4, 5, 6, 9, 10, 11");
  }
  const auto rate = S0RateFromImpulses(c.s0_rate.impulses_per_kwh);
  if (!rate || rate->uwh_per_pulse != c.s0_rate.uwh_per_pulse) {
    return Bad("s0_rate", "is not one of " + std::string(S0RateList()));
  }
  if (c.wiring != Wiring::k3P4W && c.wiring != Wiring::k3P3W) return Bad("wiring", "is unknown");
  if (c.tariff != Tariff::kT1 && c.tariff != Tariff::kT2) return Bad("tariff", "is not 1 or 2");
  if (c.ct_variant) {
    if (c.ct_ratio != 0 && !IsValidCtRatio(c.ct_ratio)) {
      return Bad("ct_ratio", "is not one of " + CtRatioList());
    }
    if (c.ct_locked && c.ct_ratio == 0) return Bad("ct_locked", "is set without a ratio");
  } else if (c.ct_ratio != 0 || c.ct_locked) {
    return Bad("ct_ratio", "is set on a direct meter");
  }
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    const EnergyRegisters& r = s.registers[kind];
    for (const auto& phase : r.phase) {
      for (const auto& dir : phase) {
        for (int64_t v : dir) {
          if (v < 0) return Bad("registers", "hold a negative value");
        }
      }
    }
    for (const auto& dir : r.total) {
      for (int64_t v : dir) {
        if (v < 0) return Bad("registers", "hold a negative total");
      }
    }
  }
  for (const auto& dir : s.residues_uj) {
    for (double r : dir) {
      if (!(r >= 0 && r < kMicrojoulePerMicroWattHour)) {
        return Bad("residues_uj", "must lie in [0, 3600)");
      }
    }
  }
  if (s.day_counter_uwh < 0) return Bad("day_counter_uwh", "is negative");
  if (s.power_down_count < 0) return Bad("power_down_count", "is negative");
  if (Status st = CheckPulse("s0_forward", s.s0_forward, c.s0_rate.uwh_per_pulse); !st.ok()) {
    return st;
  }
  if (Status st = CheckPulse("s0_reverse", s.s0_reverse, c.s0_rate.uwh_per_pulse); !st.ok()) {
    return st;
  }
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    if (Status st =
            CheckPulse(kind == 0 ? "led_active" : "led_reactive", s.led[kind], kLedUwhPerPulse);
        !st.ok()) {
      return st;
    }
  }
  return Status::Ok();
}

}  // namespace pro380::metering
