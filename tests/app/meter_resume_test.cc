// StartMeter: a new meter from the options (with a replacement meter's preset written once), a
// saved meter resumed with its registers; the power-down count counts every start.
#include "app/meter_resume.h"

#include <gtest/gtest.h>

#include "metering/readings.h"
#include "testing/run_binary.h"

namespace pro380::app {
namespace {

using metering::QuantityId;

TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

RegisterPreset ReplacementPreset() {
  RegisterPreset preset;
  preset.energies = {{QuantityId::kForwardActiveEnergyT1Kwh, 12345.67},
                     {QuantityId::kForwardActiveEnergyT2Kwh, 10.5},
                     {QuantityId::kForwardActiveEnergyL2Kwh, 4000.01},
                     {QuantityId::kReverseReactiveEnergyT2Kvarh, 3.25},
                     {QuantityId::kDayCounterKwh, 7.0}};
  preset.power_down_count = 17;
  return preset;
}

TEST(StartMeter, APresetIsWrittenIntoANewMeterAndLogged) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-preset"));
  ASSERT_TRUE(store.ok());
  const RegisterPreset preset = ReplacementPreset();
  auto started = StartMeter(**store, MeterOptions{}, {}, &preset, At(1'800'000'000));
  ASSERT_TRUE(started.ok()) << started.status().message();
  EXPECT_FALSE(started->resumed);
  const metering::Readings r = metering::Read(*started->meter);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyT1Kwh], 12345.67);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyT2Kwh], 10.5);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyKwh], 12356.17);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyL2Kwh], 4000.01);
  EXPECT_DOUBLE_EQ(r[QuantityId::kForwardActiveEnergyL1Kwh], 0);
  EXPECT_DOUBLE_EQ(r[QuantityId::kReverseReactiveEnergyT2Kvarh], 3.25);
  EXPECT_DOUBLE_EQ(r[QuantityId::kDayCounterKwh], 7.0);
  EXPECT_EQ(started->meter->power_down_count(), 18);  // the preset's count, plus this start
  ASSERT_EQ(started->events.size(), 2u);
  EXPECT_EQ(started->events[0].kind, storage::EventKind::kPowerUp);
  EXPECT_EQ(started->events[1].kind, storage::EventKind::kReset);
  EXPECT_EQ(started->events[1].detail,
            "preset written: forward_active_energy_t1_kwh=12345.67 "
            "forward_active_energy_t2_kwh=10.50 forward_active_energy_l2_kwh=4000.01 "
            "reverse_reactive_energy_t2_kvarh=3.25 day_counter_kwh=7.00 power_down_count=17");
}

TEST(StartMeter, APresetIsWrittenOnlyOnce) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-preset-once"));
  ASSERT_TRUE(store.ok());
  const RegisterPreset preset = ReplacementPreset();
  auto first = StartMeter(**store, MeterOptions{}, {}, &preset, At(1'800'000'000));
  ASSERT_TRUE(first.ok());
  first->meter->Apply({.phase = {metering::PhaseFromPower(230, 3600, 0)},
                       .duration = std::chrono::seconds(1000)});  // +1 kWh on L1
  const storage::MeterRecord record{"00000001", first->meter->state()};
  ASSERT_TRUE((*store)->Save({&record, 1}, first->events, At(1'800'001'000)).ok());
  auto second = StartMeter(**store, MeterOptions{}, {}, &preset, At(1'800'002'000));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->resumed);
  EXPECT_TRUE(second->preset_ignored);
  const metering::Readings r = metering::Read(*second->meter);
  EXPECT_NEAR(r[QuantityId::kForwardActiveEnergyT1Kwh], 12346.67, 1e-6);
  EXPECT_NEAR(r[QuantityId::kForwardActiveEnergyL1Kwh], 1.0, 1e-6);
  EXPECT_EQ(second->meter->power_down_count(), 19);
  ASSERT_EQ(second->events.size(), 1u);  // power_up only: nothing was written
}

}  // namespace
}  // namespace pro380::app
