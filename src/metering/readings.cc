#include "metering/readings.h"

#include <cmath>

namespace pro380::metering {
namespace {

constexpr double kMicroToKilo = 1e-9;  // µWh -> kWh, µvarh -> kvarh

QuantityId Offset(QuantityId base, int offset) {
  return static_cast<QuantityId>(static_cast<int>(base) + offset);
}

// Fills the six quantities (total, t1, t2, l1, l2, l3) that start at `base`.
template <typename Value>
void FillGroup(Readings& r, QuantityId base, Value value) {
  r[base] = value(-1, -1) * kMicroToKilo;
  r[Offset(base, 1)] = value(0, -1) * kMicroToKilo;
  r[Offset(base, 2)] = value(1, -1) * kMicroToKilo;
  for (int k = 0; k < kPhaseCount; ++k) r[Offset(base, 3 + k)] = value(-1, k) * kMicroToKilo;
}

void FillEnergy(Readings& r, const EnergyRegisters& regs, CombinedCode code, QuantityId combined,
                QuantityId forward, QuantityId reverse) {
  // tariff < 0: all tariffs; phase < 0: the total registers.
  auto directed = [&regs](Direction d) {
    return [&regs, d](int tariff, int phase) -> double {
      if (phase >= 0) return static_cast<double>(regs.Phase(phase, d));
      if (tariff >= 0) return static_cast<double>(regs.Total(d, static_cast<Tariff>(tariff)));
      return static_cast<double>(regs.Total(d));
    };
  };
  auto fwd = directed(Direction::kForward);
  auto rev = directed(Direction::kReverse);
  FillGroup(r, forward, fwd);
  FillGroup(r, reverse, rev);
  FillGroup(r, combined, [&](int tariff, int phase) {
    return static_cast<double>(Combine(code, static_cast<int64_t>(fwd(tariff, phase)),
                                       static_cast<int64_t>(rev(tariff, phase))));
  });
}

}  // namespace

int Quadrant(double active, double reactive) {
  if (reactive >= 0) return active >= 0 ? 1 : 2;
  return active >= 0 ? 4 : 3;
}

Readings Read(const Meter& meter) {
  Readings r;
  const Interval& now = meter.instantaneous();
  double p = 0, q = 0, s = 0;
  for (int k = 0; k < kPhaseCount; ++k) {
    const PhaseValues& ph = now.phase[k];
    r[Offset(QuantityId::kVoltageL1V, k)] = ph.voltage_v;
    r[Offset(QuantityId::kCurrentL1A, k)] = ph.current_a;
    r[Offset(QuantityId::kActivePowerL1Kw, k)] = ph.active_w * 1e-3;
    r[Offset(QuantityId::kReactivePowerL1Kvar, k)] = ph.reactive_var * 1e-3;
    r[Offset(QuantityId::kApparentPowerL1Kva, k)] = ph.apparent_va * 1e-3;
    r[Offset(QuantityId::kPowerFactorL1, k)] =
        ph.apparent_va > 0 ? std::fabs(ph.active_w) / ph.apparent_va : 1.0;
    r[Offset(QuantityId::kQuadrantL1, k)] = Quadrant(ph.active_w, ph.reactive_var);
    p += ph.active_w;
    q += ph.reactive_var;
    s += ph.apparent_va;
  }
  r[QuantityId::kFrequencyHz] = now.frequency_hz;
  r[QuantityId::kActivePowerKw] = p * 1e-3;
  r[QuantityId::kReactivePowerKvar] = q * 1e-3;
  r[QuantityId::kApparentPowerKva] = s * 1e-3;
  const double pq = std::hypot(p, q);
  r[QuantityId::kPowerFactor] = pq > 0 ? p / pq : 1.0;
  r[QuantityId::kQuadrant] = Quadrant(p, q);

  const CombinedCode code = meter.config().combined_code;
  FillEnergy(r, meter.registers(EnergyKind::kActive), code, QuantityId::kActiveEnergyKwh,
             QuantityId::kForwardActiveEnergyKwh, QuantityId::kReverseActiveEnergyKwh);
  FillEnergy(r, meter.registers(EnergyKind::kReactive), code, QuantityId::kReactiveEnergyKvarh,
             QuantityId::kForwardReactiveEnergyKvarh, QuantityId::kReverseReactiveEnergyKvarh);
  r[QuantityId::kTariff] = static_cast<int>(meter.config().tariff) + 1;
  r[QuantityId::kDayCounterKwh] = static_cast<double>(meter.day_counter_uwh()) * kMicroToKilo;

  r[QuantityId::kS0ForwardPulses] = static_cast<double>(meter.s0_forward().pulses());
  r[QuantityId::kS0ReversePulses] = static_cast<double>(meter.s0_reverse().pulses());
  r[QuantityId::kLedActivePulses] = static_cast<double>(meter.led(EnergyKind::kActive).pulses());
  r[QuantityId::kLedReactivePulses] =
      static_cast<double>(meter.led(EnergyKind::kReactive).pulses());

  r[QuantityId::kPowerDownCount] = static_cast<double>(meter.power_down_count());
  r[QuantityId::kCombinedCode] = static_cast<int>(code);
  r[QuantityId::kS0Rate] = meter.config().s0_rate.impulses_per_kwh;
  r[QuantityId::kCtRatio] = meter.config().ct_ratio;
  return r;
}

}  // namespace pro380::metering
