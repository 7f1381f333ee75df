// Saving and restoring a meter: a restored meter continues exactly where the saved one was.
#include "metering/meter_state.h"

#include <gtest/gtest.h>

#include <random>

namespace pro380::metering {
namespace {

Interval RandomRecord(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> p(-9000, 9000);
  Interval r;
  for (auto& ph : r.phase) ph = PhaseFromPower(230, p(rng), p(rng) / 4);
  r.duration = std::chrono::milliseconds(700);
  return r;
}

TEST(MeterState, ARestoredMeterContinuesExactlyLikeOneThatNeverStopped) {
  MeterConfig config;
  config.combined_code = CombinedCode::kNettedPulses;
  config.s0_rate = *S0RateFromImpulses(100);
  Meter original(config);
  std::mt19937_64 rng(17);
  for (int n = 0; n < 5000; ++n) original.ApplyRecord(RandomRecord(rng));
  original.SetTariff(Tariff::kT2);
  original.set_power_down_count(12);

  const MeterState saved = original.state();
  ASSERT_TRUE(ValidateMeterState(saved).ok()) << ValidateMeterState(saved).message();
  Meter restored(saved);
  EXPECT_EQ(restored.state(), saved);
  EXPECT_EQ(restored.now(), original.now());

  for (int n = 0; n < 5000; ++n) {
    const Interval r = RandomRecord(rng);
    original.ApplyRecord(r);
    restored.ApplyRecord(r);
  }
  EXPECT_EQ(restored.state(), original.state());
}

TEST(MeterState, LocksSurviveARestore) {
  MeterConfig config;
  config.ct_variant = true;
  Meter meter(config);
  ASSERT_EQ(meter.SetCtRatio(400), SettingOutcome::kApplied);
  ASSERT_EQ(meter.LockCtRatio(), SettingOutcome::kApplied);
  ASSERT_EQ(meter.SetCombinedCode(CombinedCode::kNetted), SettingOutcome::kApplied);
  Meter restored(meter.state());
  EXPECT_EQ(restored.SetCtRatio(500), SettingOutcome::kLocked);
  EXPECT_EQ(restored.SetCombinedCode(CombinedCode::kForwardOnly), SettingOutcome::kLocked);
  EXPECT_DOUBLE_EQ(restored.current_scale(), 80);
}

TEST(MeterState, ValidationNamesTheFirstImpossibleField) {
  const MeterState good = Meter(MeterConfig{}).state();
  ASSERT_TRUE(ValidateMeterState(good).ok());
  struct Case {
    void (*spoil)(MeterState&);
    const char* field;
  };
  const Case cases[] = {
      {[](MeterState& s) { s.config.combined_code = static_cast<CombinedCode>(3); },
       "combined_code"},
      {[](MeterState& s) {
         s.config.s0_rate = {3, 333};
       },
       "s0_rate"},
      {[](MeterState& s) { s.config.ct_ratio = 100; }, "ct_ratio"},
      {[](MeterState& s) {
         s.config.ct_variant = true;
         s.config.ct_locked = true;
       },
       "ct_locked"},
      {[](MeterState& s) { s.registers[0].phase[1][0][1] = -5; }, "registers"},
      {[](MeterState& s) { s.residues_uj[1][3] = 3600; }, "residues_uj"},
      {[](MeterState& s) { s.day_counter_uwh = -1; }, "day_counter_uwh"},
      {[](MeterState& s) { s.s0_forward.residue_uwh = 1'000'000; }, "s0_forward.residue_uwh"},
      {[](MeterState& s) { s.led[1].pulses = -2; }, "led_reactive.pulses"},
  };
  for (const Case& c : cases) {
    MeterState s = good;
    c.spoil(s);
    const Status st = ValidateMeterState(s);
    EXPECT_FALSE(st.ok()) << c.field;
    EXPECT_NE(st.message().find(c.field), std::string::npos) << st.message();
  }
}

}  // namespace
}  // namespace pro380::metering
