// StartMeter: a new meter from the options (with a replacement meter's preset written once), a
// saved meter resumed with its registers and device settings; the power-down count counts every
// start.
#include "app/meter_resume.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "app/saved_device_settings.h"
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

MeterOptions Options(const std::string& serial, int id) {
  MeterOptions options;
  options.serial = serial;
  options.id = id;
  return options;
}

device::DeviceSettings Changed() {
  device::DeviceSettings s;
  s.serial_number = 22091039;
  s.modbus_id = 42;
  s.baud_rate = 4800;
  s.parity = device::Parity::kOdd;
  s.lcd_cycle_time_s = 5;
  s.meter_code = 0x2007;
  return s;
}

// Starts meter 22091039 and saves it with `settings` (nullopt: saved without settings).
void SaveAStartedMeter(storage::StateStore& store,
                       std::optional<std::vector<storage::NamedSetting>> settings) {
  auto first = StartMeter(store, Options("22091039", 1), {}, nullptr, At(1'800'000'000));
  ASSERT_TRUE(first.ok()) << first.status().message();
  const storage::MeterRecord record{"22091039", first->meter->state(), std::move(settings)};
  ASSERT_TRUE(store.Save({&record, 1}, first->events, At(1'800'000'001)).ok());
}

TEST(StartMeter, ANewMeterHasTheDefaultSettingsWithItsSerialAndId) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-settings-new"));
  ASSERT_TRUE(store.ok());
  auto started =
      StartMeter(**store, Options("22091039", 5), {"--serial", "--id"}, nullptr, At(1'800'000'000));
  ASSERT_TRUE(started.ok()) << started.status().message();
  device::DeviceSettings expected;
  expected.serial_number = 22091039;
  expected.modbus_id = 5;
  EXPECT_EQ(started->settings, expected);
  // An M-Bus meter's --id is its M-Bus address, not a Modbus ID.
  MeterOptions mbus = Options("22091040", 0);
  mbus.variant = Variant::kMb;
  auto mb = StartMeter(**store, mbus, {"--id"}, nullptr, At(1'800'000'000));
  ASSERT_TRUE(mb.ok());
  EXPECT_EQ(mb->settings.modbus_id, 1);
  EXPECT_EQ(mb->settings.serial_number, 22091040u);
}

TEST(StartMeter, SavedDeviceSettingsComeBack) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-settings"));
  ASSERT_TRUE(store.ok());
  SaveAStartedMeter(**store, DeviceSettingsToNamed(Changed()));
  // The options' default ID does not override the saved one unless --id is typed.
  auto resumed = StartMeter(**store, Options("22091039", 1), {}, nullptr, At(1'800'001'000));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_TRUE(resumed->resumed);
  EXPECT_EQ(resumed->settings, Changed());
  ASSERT_EQ(resumed->events.size(), 1u);  // power_up only
}

TEST(StartMeter, ATypedIdChangesTheSavedOneAndIsLogged) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-settings-id"));
  ASSERT_TRUE(store.ok());
  SaveAStartedMeter(**store, DeviceSettingsToNamed(Changed()));
  auto resumed = StartMeter(**store, Options("22091039", 7), {"--id"}, nullptr, At(1'800'001'000));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  device::DeviceSettings expected = Changed();
  expected.modbus_id = 7;
  EXPECT_EQ(resumed->settings, expected);
  ASSERT_EQ(resumed->events.size(), 2u);
  EXPECT_EQ(resumed->events[1].kind, storage::EventKind::kSettingChange);
  EXPECT_EQ(resumed->events[1].interface, "cli");
  EXPECT_EQ(resumed->events[1].detail, "modbus_id: 42 -> 7");
}

TEST(StartMeter, AMeterSavedWithoutSettingsKeepsItsOptions) {
  auto store = storage::StateStore::Open(testing::MakeTempDir("resume-settings-none"));
  ASSERT_TRUE(store.ok());
  SaveAStartedMeter(**store, std::nullopt);  // as schema version 1 saved it
  auto resumed = StartMeter(**store, Options("22091039", 9), {"--id"}, nullptr, At(1'800'001'000));
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  device::DeviceSettings expected;
  expected.serial_number = 22091039;
  expected.modbus_id = 9;
  EXPECT_EQ(resumed->settings, expected);
  EXPECT_EQ(resumed->events.size(), 1u);  // nothing changed: it ran with --id 9 before
}

TEST(StartMeter, DamagedSavedSettingsAreRefusedNamingTheField) {
  const std::string dir = testing::MakeTempDir("resume-settings-damaged");
  {
    auto store = storage::StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    SaveAStartedMeter(**store, DeviceSettingsToNamed(Changed()));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/state.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE device_settings SET value = 1234 WHERE name = 'baud_rate'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = storage::StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto resumed = StartMeter(**store, Options("22091039", 1), {}, nullptr, At(1'800'001'000));
  ASSERT_FALSE(resumed.ok());
  EXPECT_EQ(resumed.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(resumed.status().message(),
            "state file " + dir +
                "/state.sqlite holds invalid device settings for meter 22091039 (device setting "
                "baud_rate = 1234 is not allowed (300, 600, 1200, 2400, 4800, 9600)); nothing "
                "was changed");
}

}  // namespace
}  // namespace pro380::app
