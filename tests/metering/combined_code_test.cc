// The combined codes of manual §6.10, worked out in metering.md §2.9: totals, forward/reverse
// registers and S0 pulses for every code, and the netting granularity (per interval).
#include <gtest/gtest.h>

#include "metering/meter.h"
#include "metering/readings.h"

namespace pro380::metering {
namespace {

constexpr int64_t kKwh = 1'000'000'000;  // µWh

Interval Record(double p1, double p2, double p3, Duration d = std::chrono::seconds(1)) {
  Interval r;
  r.phase[0] = PhaseFromPower(230, p1, 0);
  r.phase[1] = PhaseFromPower(230, p2, 0);
  r.phase[2] = PhaseFromPower(230, p3, 0);
  r.duration = d;
  return r;
}

Meter RunManualExample(CombinedCode code) {
  MeterConfig config;
  config.combined_code = code;
  config.s0_rate = *S0RateFromImpulses(1);
  Meter meter(config);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(5000, 5000, -12000));
  return meter;
}

struct ManualRow {
  CombinedCode code;
  double total_kwh;
  double forward_kwh;
  double reverse_kwh;  // a magnitude, as on the real meter's registers
  int64_t s0_forward;
  int64_t s0_reverse;
};

// Manual §6.10: "LCD reading and calculation of total energy" and "S0 output per code".
class ManualExample : public ::testing::TestWithParam<ManualRow> {};

std::string CodeName(const ::testing::TestParamInfo<ManualRow>& row) {
  return "C" + std::to_string(static_cast<int>(row.param.code));
}

TEST_P(ManualExample, TotalsRegistersAndPulsesMatchTheManualTables) {
  const ManualRow row = GetParam();
  const Meter meter = RunManualExample(row.code);
  const Readings r = Read(meter);
  EXPECT_DOUBLE_EQ(r[QuantityId::kActiveEnergyKwh], row.total_kwh);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyKwh], row.forward_kwh);
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseActiveEnergyKwh], row.reverse_kwh);
  EXPECT_EQ(meter.s0_forward().pulses(), row.s0_forward);
  EXPECT_EQ(meter.s0_reverse().pulses(), row.s0_reverse);
  // Per-phase registers are the phases' own flows under every code.
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyL1Kwh], 5);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyL2Kwh], 5);
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseActiveEnergyL3Kwh], 12);
  // The LED is a test output: it flashes for all flow, 10 000 imp/kWh.
  EXPECT_EQ(meter.led(EnergyKind::kActive).pulses(), 22 * 10000);
}

INSTANTIATE_TEST_SUITE_P(
    EveryCode, ManualExample,
    ::testing::Values(ManualRow{CombinedCode::kForwardOnly, 10, 10, 12, 10, 0},
                      ManualRow{CombinedCode::kReverseOnly, -12, 10, 12, 0, 12},
                      ManualRow{CombinedCode::kForwardPlusReverse, 22, 10, 12, 10, 12},
                      ManualRow{CombinedCode::kReverseMinusForward, -22, 10, 12, 10, 12},
                      ManualRow{CombinedCode::kForwardMinusReverse, -2, 10, 12, 10, 12},
                      ManualRow{CombinedCode::kNetted, -2, 0, 2, 0, 2},
                      ManualRow{CombinedCode::kNettedPulses, -2, 10, 12, 0, 2}),
    CodeName);

TEST(CombinedCode, TotalsOfC09C10C11AreIdenticalButTheirSplitsDiffer) {
  // metering.md §2.9 key point 1: only the forward/reverse split and S0 tell them apart.
  const Readings c09 = Read(RunManualExample(CombinedCode::kForwardMinusReverse));
  const Readings c10 = Read(RunManualExample(CombinedCode::kNetted));
  const Readings c11 = Read(RunManualExample(CombinedCode::kNettedPulses));
  EXPECT_EQ(c09[QuantityId::kActiveEnergyKwh], c10[QuantityId::kActiveEnergyKwh]);
  EXPECT_EQ(c10[QuantityId::kActiveEnergyKwh], c11[QuantityId::kActiveEnergyKwh]);
  EXPECT_NE(c09[QuantityId::kForwardActiveEnergyKwh], c10[QuantityId::kForwardActiveEnergyKwh]);
}

TEST(CombinedCode, NettingIsPerIntervalWhenThePhaseSumChangesSignWithinAnHour) {
  // metering.md §2.9 key point 2: L1 +3, L2 +3, L3 −2 kW for 1 h gives F = 6, R = 2 per phase
  // but F_net = 4, R_net = 0; then an hour where the sum is negative (L3 −8 kW): F_net 0, R_net 2.
  MeterConfig config;
  config.combined_code = CombinedCode::kNetted;
  Meter meter(config);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(3000, 3000, -2000));
  Readings r = Read(meter);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyKwh], 4);
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseActiveEnergyKwh], 0);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(3000, 3000, -8000));
  r = Read(meter);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyKwh], 4);
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseActiveEnergyKwh], 2);
  EXPECT_DOUBLE_EQ(r[QuantityId::kActiveEnergyKwh], 2);
  // The phases' own registers are never netted.
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseActiveEnergyL3Kwh], 10);
}

TEST(CombinedCode, AlternatingLoadEveryHalfSecondNetsPerRecordNotPerHour) {
  // A load that flips every 0.5 s: +2 kW net, then −2 kW net. Per record netting registers both
  // directions; an hourly net would register nothing. That is the decided granularity.
  for (CombinedCode code : {CombinedCode::kNetted, CombinedCode::kNettedPulses}) {
    MeterConfig config;
    config.combined_code = code;
    config.s0_rate = *S0RateFromImpulses(1000);
    Meter meter(config);
    for (int s = 0; s < 7200; ++s) {
      const bool up = s % 2 == 0;
      meter.ApplyRecord(
          Record(up ? 4000 : 1000, 1000, up ? -3000 : -4000, std::chrono::milliseconds(500)));
    }
    // Each direction: 3600 half-seconds × 2 kW × 0.5 s = 1 kWh.
    EXPECT_EQ(meter.s0_forward().pulses(), 1000) << static_cast<int>(code);
    EXPECT_EQ(meter.s0_reverse().pulses(), 1000) << static_cast<int>(code);
  }
}

TEST(CombinedCode, C10CanBeSetOnceAndThenNeverChanged) {
  Meter meter(MeterConfig{});
  EXPECT_EQ(meter.SetCombinedCode(CombinedCode::kForwardMinusReverse), SettingOutcome::kApplied);
  EXPECT_EQ(meter.SetCombinedCode(CombinedCode::kNetted), SettingOutcome::kApplied);
  for (CombinedCode other : kCombinedCodes) {
    if (other == CombinedCode::kNetted) continue;
    EXPECT_EQ(meter.SetCombinedCode(other), SettingOutcome::kLocked);
    EXPECT_EQ(meter.config().combined_code, CombinedCode::kNetted);
  }
  EXPECT_EQ(meter.SetCombinedCode(CombinedCode::kNetted), SettingOutcome::kApplied);
}

TEST(CombinedCode, SwitchingToC10ContinuesTheTotalRegistersFromTheirValue) {
  MeterConfig config;
  Meter meter(config);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(5000, 5000, -12000));
  ASSERT_EQ(meter.SetCombinedCode(CombinedCode::kNetted), SettingOutcome::kApplied);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Record(5000, 5000, -12000));
  const EnergyRegisters& regs = meter.registers(EnergyKind::kActive);
  EXPECT_EQ(regs.Total(Direction::kForward), 10 * kKwh);  // nothing added under C-10
  EXPECT_EQ(regs.Total(Direction::kReverse), 14 * kKwh);  // 12 per phase, then 2 netted
}

TEST(CombinedCode, CombineFormulaMatchesManualForEveryCode) {
  static_assert(Combine(CombinedCode::kForwardOnly, 10, 12) == 10);
  static_assert(Combine(CombinedCode::kReverseOnly, 10, 12) == -12);
  static_assert(Combine(CombinedCode::kForwardPlusReverse, 10, 12) == 22);
  static_assert(Combine(CombinedCode::kReverseMinusForward, 10, 12) == -22);
  static_assert(Combine(CombinedCode::kForwardMinusReverse, 10, 12) == -2);
  EXPECT_EQ(Combine(CombinedCode::kNetted, 0, 2), -2);
}

}  // namespace
}  // namespace pro380::metering
