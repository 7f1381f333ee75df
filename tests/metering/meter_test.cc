// The accumulation core: integer registers with carried residues, tariffs, anti-creep and start,
// CT variant, day counter, diagnostics and the instantaneous-value conventions of the real meter.
#include "metering/meter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "metering/readings.h"

namespace pro380::metering {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Interval Record(double p1, double p2, double p3, Duration d = seconds(1), double q = 0) {
  Interval r;
  r.phase[0] = PhaseFromPower(230, p1, q);
  r.phase[1] = PhaseFromPower(230, p2, q);
  r.phase[2] = PhaseFromPower(230, p3, q);
  r.duration = d;
  return r;
}

// Everything a phase register pair was given, in µJ: registers plus residue.
double AccountedUj(const Meter& m, EnergyKind kind, int phase, Direction d) {
  return static_cast<double>(m.registers(kind).Phase(phase, d)) * 3600.0 +
         m.residue_uj(kind, phase, d);
}

TEST(EnergyLanes, ReturnWholeMicroWattHoursAndKeepEveryFraction) {
  EnergyLanes lanes;
  LaneWholes forward_total{}, reverse_total{};
  LaneEnergies given_forward{}, given_reverse{};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uj(-2e9, 2e9);
  for (int n = 0; n < 100000; ++n) {
    LaneEnergies e;
    for (double& x : e) x = n % 7 == 0 ? uj(rng) * 1e-6 : uj(rng);  // tiny and large steps
    LaneEnergies forward_uj{}, reverse_uj{};
    for (int l = 0; l < kEnergyLaneCount; ++l)
      (e[l] > 0 ? forward_uj : reverse_uj)[l] = std::fabs(e[l]);
    LaneWholes f, r;
    lanes.Settle(forward_uj, reverse_uj, f, r);
    for (int l = 0; l < kEnergyLaneCount; ++l) {
      (e[l] > 0 ? given_forward : given_reverse)[l] += std::fabs(e[l]);
      forward_total[l] += f[l];
      reverse_total[l] += r[l];
    }
  }
  for (int l = 0; l < kEnergyLaneCount; ++l) {
    const double f_residue = lanes.residue_uj(l, Direction::kForward);
    const double r_residue = lanes.residue_uj(l, Direction::kReverse);
    EXPECT_NEAR(static_cast<double>(forward_total[l]) * 3600 + f_residue, given_forward[l],
                given_forward[l] * 1e-12);
    EXPECT_NEAR(static_cast<double>(reverse_total[l]) * 3600 + r_residue, given_reverse[l],
                given_reverse[l] * 1e-12);
    EXPECT_GE(f_residue, 0);
    EXPECT_LT(f_residue, 3600);
  }
}

TEST(EnergyLanes, ExactMultiplesOfAMicroWattHourLeaveNoResidue) {
  EnergyLanes lanes;
  LaneEnergies e;
  e.fill(3600.0 * 1'388'889);  // a value whose reciprocal product rounds across the multiple
  LaneWholes f, r;
  lanes.Settle(e, LaneEnergies{}, f, r);
  for (int l = 0; l < kEnergyLaneCount; ++l) {
    EXPECT_EQ(f[l], 1'388'889);
    EXPECT_EQ(r[l], 0);
    EXPECT_EQ(lanes.residue_uj(l, Direction::kForward), 0);
  }
}

TEST(Meter, ConstantPowerRegistersExactlyWithoutFloatDrift) {
  // 1234.5 W on L1 for 10 h in 1 s steps: 12.345 kWh exactly.
  Meter meter(MeterConfig{});
  for (int s = 0; s < 36000; ++s) meter.ApplyRecord(Record(1234.5, 0, 0));
  EXPECT_EQ(meter.registers(EnergyKind::kActive).Phase(0, Direction::kForward), 12'345'000'000);
}

TEST(Meter, TariffSwitchingNeverLosesAResidue) {
  // Records far below 1 µWh each: a register per tariff with its own residue would lose them.
  MeterConfig config;
  Meter meter(config);
  double given_uj = 0;
  for (int n = 0; n < 200000; ++n) {
    meter.SetTariff(n % 2 == 0 ? Tariff::kT1 : Tariff::kT2);
    meter.ApplyRecord(Record(3.3, 0, 0, milliseconds(1)));  // 3.3 mJ = 0.9 µWh; I ≈ 14 mA
    given_uj += 3.3 * 1e3;
  }
  const EnergyRegisters& regs = meter.registers(EnergyKind::kActive);
  EXPECT_NEAR(AccountedUj(meter, EnergyKind::kActive, 0, Direction::kForward), given_uj, 1e-3);
  EXPECT_GT(regs.Total(Direction::kForward, Tariff::kT1), 0);
  EXPECT_GT(regs.Total(Direction::kForward, Tariff::kT2), 0);
  EXPECT_EQ(
      regs.Total(Direction::kForward, Tariff::kT1) + regs.Total(Direction::kForward, Tariff::kT2),
      regs.Phase(0, Direction::kForward));
}

TEST(Meter, TariffSelectsTheRegisterSet) {
  Meter meter(MeterConfig{});
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(1000, 0, 0));
  meter.SetTariff(Tariff::kT2);
  for (int s = 0; s < 7200; ++s) meter.ApplyRecord(Record(1000, 0, 0));
  const Readings r = Read(meter);
  EXPECT_DOUBLE_EQ(r[QuantityId::kActiveEnergyT1Kwh], 1);
  EXPECT_DOUBLE_EQ(r[QuantityId::kActiveEnergyT2Kwh], 2);
  EXPECT_DOUBLE_EQ(r[QuantityId::kActiveEnergyKwh], 3);
  EXPECT_DOUBLE_EQ(r[QuantityId::kTariff], 2);
}

TEST(Meter, TotalsEqualTheSumOfPhasesOutsideC10) {
  Meter meter(MeterConfig{});
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> p(-7000, 7000);
  for (int s = 0; s < 20000; ++s)
    meter.ApplyRecord(Record(p(rng), p(rng), p(rng), milliseconds(130), p(rng) / 3));
  for (EnergyKind kind : {EnergyKind::kActive, EnergyKind::kReactive}) {
    const EnergyRegisters& regs = meter.registers(kind);
    for (Direction d : {Direction::kForward, Direction::kReverse}) {
      EXPECT_EQ(regs.Total(d), regs.Phase(0, d) + regs.Phase(1, d) + regs.Phase(2, d));
    }
  }
}

TEST(Meter, NettedTotalsObeyTheIdentitiesOfMeteringMd) {
  // F − R = F_net − R_net, 0 ≤ F_net ≤ F, 0 ≤ R_net ≤ R (within the µWh residues).
  MeterConfig config;
  config.combined_code = CombinedCode::kNetted;
  Meter meter(config);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> p(-7000, 7000);
  for (int s = 0; s < 20000; ++s) meter.ApplyRecord(Record(p(rng), p(rng), p(rng)));
  const EnergyRegisters& regs = meter.registers(EnergyKind::kActive);
  const int64_t f = regs.Phase(0, Direction::kForward) + regs.Phase(1, Direction::kForward) +
                    regs.Phase(2, Direction::kForward);
  const int64_t r = regs.Phase(0, Direction::kReverse) + regs.Phase(1, Direction::kReverse) +
                    regs.Phase(2, Direction::kReverse);
  const int64_t f_net = regs.Total(Direction::kForward);
  const int64_t r_net = regs.Total(Direction::kReverse);
  EXPECT_NEAR(static_cast<double>(f - r), static_cast<double>(f_net - r_net), 8);
  EXPECT_LE(f_net, f);
  EXPECT_LE(r_net, r);
  EXPECT_GT(f_net, 0);
  EXPECT_GT(r_net, 0);
}

TEST(Meter, BelowHalfTheStartingCurrentAPhaseRegistersNothing) {
  Meter meter(MeterConfig{});
  // 9.9 mA at 230 V (just below 0.5 Ist = 10 mA) on every phase, both directions, for a day.
  for (int s = 0; s < 86400; ++s) meter.ApplyRecord(Record(2.277, -2.277, 2.277, seconds(1)));
  const Readings r = Read(meter);
  EXPECT_EQ(r[QuantityId::kForwardActiveEnergyKwh], 0);
  EXPECT_EQ(r[QuantityId::kReverseActiveEnergyKwh], 0);
  EXPECT_EQ(meter.led(EnergyKind::kActive).pulses(), 0);
  EXPECT_EQ(r[QuantityId::kActivePowerKw], 0);
  EXPECT_EQ(r[QuantityId::kCurrentL1A], 0);
  EXPECT_DOUBLE_EQ(r[QuantityId::kVoltageL1V], 230);  // voltage still shown
}

TEST(Meter, AtTheStartingCurrentEachPhaseRegistersInEachDirection) {
  // Ist = 20 mA at 230 V, PF 1 = 4.6 W: one LED pulse (0.1 Wh) within 1.5 × 78.3 s per element.
  for (int phase = 0; phase < 3; ++phase) {
    for (double sign : {1.0, -1.0}) {
      Meter meter(MeterConfig{});
      std::array<double, 3> p{};
      p[phase] = sign * 230 * 0.020;
      int seconds_to_pulse = 0;
      while (meter.led(EnergyKind::kActive).pulses() == 0 && seconds_to_pulse < 200) {
        meter.ApplyRecord(Record(p[0], p[1], p[2]));
        ++seconds_to_pulse;
      }
      EXPECT_LE(seconds_to_pulse, 1.5 * 78.3) << "phase " << phase << " sign " << sign;
      const Direction d = sign > 0 ? Direction::kForward : Direction::kReverse;
      EXPECT_GT(meter.registers(EnergyKind::kActive).Phase(phase, d), 0);
    }
  }
}

TEST(Meter, CtMeterWithoutRatioNeitherRegistersNorShowsValues) {
  MeterConfig config;
  config.ct_variant = true;
  Meter meter(config);
  EXPECT_FALSE(meter.registering());
  meter.ApplyRecord(Record(1000, 1000, 1000, seconds(3600)));
  EXPECT_EQ(meter.registers(EnergyKind::kActive).Total(Direction::kForward), 0);
  EXPECT_EQ(meter.instantaneous().phase[0].active_w, 0);
  EXPECT_EQ(meter.now(), config.start + seconds(3600));  // time still passes
}

TEST(Meter, CtRatioIsSetFromTheManualListAndLocksForever) {
  MeterConfig config;
  config.ct_variant = true;
  Meter meter(config);
  EXPECT_EQ(meter.SetCtRatio(77), SettingOutcome::kInvalidValue);
  EXPECT_EQ(meter.LockCtRatio(), SettingOutcome::kLocked);  // nothing to lock yet
  EXPECT_EQ(meter.SetCtRatio(100), SettingOutcome::kApplied);
  EXPECT_EQ(meter.SetCtRatio(200), SettingOutcome::kApplied);  // before the lock: changeable
  EXPECT_EQ(meter.LockCtRatio(), SettingOutcome::kApplied);
  EXPECT_EQ(meter.SetCtRatio(100), SettingOutcome::kLocked);
  EXPECT_EQ(meter.config().ct_ratio, 200);
  EXPECT_DOUBLE_EQ(meter.current_scale(), 40);
  // Anti-creep follows the secondary: 0.5 × 6 mA × 40 = 0.12 A primary.
  EXPECT_DOUBLE_EQ(meter.creep_threshold_a(), 0.12);
}

TEST(Meter, DirectMeterHasNoCtRatioToSet) {
  Meter meter(MeterConfig{});
  EXPECT_EQ(meter.SetCtRatio(100), SettingOutcome::kLocked);
  EXPECT_EQ(Read(meter)[QuantityId::kCtRatio], 0);  // as the real direct meter's 0x400C
}

TEST(Meter, DayCounterFollowsForwardEnergyAndResets) {
  Meter meter(MeterConfig{});
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(2000, 0, -500));
  EXPECT_EQ(meter.day_counter_uwh(), 2'000'000'000);
  meter.ResetDayCounter();
  for (int s = 0; s < 1800; ++s) meter.ApplyRecord(Record(2000, 0, -500));
  EXPECT_EQ(meter.day_counter_uwh(), 1'000'000'000);
  EXPECT_DOUBLE_EQ(Read(meter)[QuantityId::kForwardActiveEnergyKwh], 3);
}

TEST(Meter, S0PulsesAccountForEveryMicroWattHour) {
  for (const S0Rate& rate : kS0Rates) {
    MeterConfig config;
    config.s0_rate = rate;
    config.combined_code = CombinedCode::kForwardPlusReverse;
    Meter meter(config);
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> p(-40000, 40000);
    for (int s = 0; s < 5000; ++s) meter.ApplyRecord(Record(p(rng), p(rng), p(rng), seconds(7)));
    const EnergyRegisters& regs = meter.registers(EnergyKind::kActive);
    EXPECT_EQ(meter.s0_forward().pulses() * rate.uwh_per_pulse + meter.s0_forward().residue_uwh(),
              regs.Total(Direction::kForward))
        << rate.impulses_per_kwh;
    EXPECT_EQ(meter.s0_reverse().pulses() * rate.uwh_per_pulse + meter.s0_reverse().residue_uwh(),
              regs.Total(Direction::kReverse))
        << rate.impulses_per_kwh;
  }
}

TEST(Meter, ChangingTheS0RateKeepsTheResidue) {
  Meter meter(MeterConfig{});
  for (int s = 0; s < 1800; ++s) meter.ApplyRecord(Record(1000, 0, 0));  // 0.5 kWh: 500 pulses
  ASSERT_EQ(meter.SetS0Rate(1), SettingOutcome::kApplied);               // residue 0 µWh
  EXPECT_EQ(meter.SetS0Rate(3), SettingOutcome::kInvalidValue);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(1000, 0, 0));
  EXPECT_EQ(meter.s0_forward().pulses(), 501);
}

TEST(PulseWidth, FollowsTheManualTable) {
  using std::chrono::microseconds;
  const S0Rate r1000 = *S0RateFromImpulses(1000);
  const S0Rate r100 = *S0RateFromImpulses(100);
  const S0Rate r10 = *S0RateFromImpulses(10);
  EXPECT_EQ(S0PulseWidth(r1000, 4999), milliseconds(40));
  EXPECT_EQ(S0PulseWidth(r1000, 5000), milliseconds(20));
  EXPECT_EQ(S0PulseWidth(r1000, 9999), milliseconds(20));
  EXPECT_EQ(S0PulseWidth(r1000, 10000), milliseconds(10));
  EXPECT_EQ(S0PulseWidth(*S0RateFromImpulses(2000), 20000), milliseconds(5));
  EXPECT_EQ(S0PulseWidth(*S0RateFromImpulses(10000), 40001), microseconds(2500));
  EXPECT_EQ(S0PulseWidth(r100, 49999), milliseconds(40));
  EXPECT_EQ(S0PulseWidth(r100, 50001), milliseconds(20));
  EXPECT_EQ(S0PulseWidth(r10, 90000), milliseconds(40));
}

TEST(PulseOutput, CountsEveryPulseAndPlacesTheLatestWhereItsThresholdWasCrossed) {
  PulseOutput led;  // 10 000 imp/kWh: 0.1 Wh per pulse
  const TimePoint t0{};
  // 200 kW for 1 s = 55.555555 Wh: 555 pulses, the last at 55.5 Wh = 0.999 s into the interval.
  led.Add(55'555'555, t0, seconds(1));
  EXPECT_EQ(led.pulses(), 555);
  EXPECT_EQ(led.residue_uwh(), 55'555);
  EXPECT_EQ(led.last_pulse_start(), t0 + std::chrono::nanoseconds(999'000'009));
  EXPECT_NEAR(led.last_power_w(), 199'999.998, 1e-6);  // 55 555 555 µWh in 1 s
  EXPECT_EQ(led.width(), kLedPulseWidth);
  EXPECT_TRUE(led.IsOn(led.last_pulse_start()));
  EXPECT_FALSE(led.IsOn(led.last_pulse_start() + kLedPulseWidth));
}

TEST(PulseOutput, S0WidthFollowsThePowerOfThePulsingInterval) {
  PulseOutput s0(*S0RateFromImpulses(1000));
  s0.Add(1'000'000, TimePoint{}, std::chrono::seconds(1));  // 1 Wh in 1 s = 3.6 kW
  EXPECT_EQ(s0.width(), milliseconds(40));
  s0.Add(1'000'000, TimePoint{} + seconds(1), std::chrono::milliseconds(100));  // 36 kW
  EXPECT_EQ(s0.width(), milliseconds(5));
  EXPECT_EQ(s0.pulses(), 2);
}

TEST(Meter, DiagnosticsShowWhichPhasesHaveVoltage) {
  Meter meter(MeterConfig{});
  Interval r = Record(100, 0, 100);
  r.phase[1] = PhaseFromPower(0, 0, 0);
  meter.ApplyRecord(r);
  EXPECT_TRUE(meter.diagnostics().phase_present[0]);
  EXPECT_FALSE(meter.diagnostics().phase_present[1]);
  EXPECT_TRUE(meter.diagnostics().phase_present[2]);
}

TEST(Readings, ReproduceTheRealMeterConventions) {
  // The real dump (reference pro380-protocols.md §1.7): P 0.9/−0.232/−0.492 kW,
  // Q −0.244/−0.258/−0.066 kvar, S 0.932/0.347/0.497 kVA, I 4.05/−1.62/−2.15 A.
  Interval r;
  const double p[3] = {900, -232, -492};
  const double q[3] = {-244, -258, -66};
  const double s[3] = {932, 347, 497};
  const double u[3] = {234.3, 233.4, 234.4};
  for (int k = 0; k < 3; ++k) {
    r.phase[k] = {u[k], (p[k] < 0 ? -1 : 1) * s[k] / u[k], p[k], q[k], s[k]};
  }
  r.frequency_hz = 49.98;
  r.duration = seconds(1);
  Meter meter(MeterConfig{});
  meter.Apply(r);
  const Readings x = Read(meter);
  EXPECT_NEAR(x[QuantityId::kActivePowerKw], 0.176, 1e-9);
  EXPECT_NEAR(x[QuantityId::kReactivePowerKvar], -0.568, 1e-9);
  EXPECT_NEAR(x[QuantityId::kApparentPowerKva], 1.776, 1e-9);  // arithmetic sum
  EXPECT_NEAR(x[QuantityId::kPowerFactorL1], 0.97, 0.005);     // |P|/S, unsigned
  EXPECT_NEAR(x[QuantityId::kPowerFactorL2], 0.67, 0.005);
  EXPECT_NEAR(x[QuantityId::kPowerFactorL3], 0.99, 0.005);
  // Total PF = P/sqrt(P²+Q²), not P/S (which would be 0.099). The dump's 0.29 comes from
  // per-phase values that are themselves rounded, hence the wider tolerance on it.
  EXPECT_DOUBLE_EQ(x[QuantityId::kPowerFactor], 176 / std::hypot(176.0, 568.0));
  EXPECT_NEAR(x[QuantityId::kPowerFactor], 0.29, 0.01);
  EXPECT_LT(x[QuantityId::kCurrentL2A], 0);  // exporting phases: negative current
  EXPECT_EQ(x[QuantityId::kQuadrant], 4);
  EXPECT_EQ(x[QuantityId::kQuadrantL1], 4);
  EXPECT_EQ(x[QuantityId::kQuadrantL2], 3);
  EXPECT_EQ(x[QuantityId::kQuadrantL3], 3);
}

}  // namespace
}  // namespace pro380::metering
