// PeriodicSaver under storage faults: the meter runs on from memory, the failure is reported once
// and shows in the meter's diagnostics, every save retries, events of failed saves are written by
// the first save that works, and the recovery is reported and logged.
#include "app/periodic_saver.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "app/saved_device_settings.h"
#include "metering/readings.h"
#include "testing/fault_vfs.h"
#include "testing/run_binary.h"

namespace pro380::app {
namespace {

using testing::Fault;

std::string ReadReport(std::FILE* report) {
  std::fflush(report);
  std::rewind(report);
  std::string text;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, report) != nullptr) text += buffer;
  return text;
}

metering::Interval OneSecondOf(double watts) {
  metering::Interval in;
  in.duration = std::chrono::seconds(1);
  in.phase[0] = metering::PhaseFromPower(230, watts, 0);
  return in;
}

storage::Event Change(const metering::Meter& meter, const std::string& detail) {
  return {TimePoint{}, meter.now(), "00000001", storage::EventKind::kSettingChange,
          "test",      "",          detail};
}

TEST(PeriodicSaver, AFailingDiskLeavesTheMeterRunningAndLosesNoEvent) {
  const std::string dir = testing::MakeTempDir("saver-faults");
  auto store = storage::StateStore::Open(dir, {.vfs = testing::DisarmFaultVfs()});
  ASSERT_TRUE(store.ok()) << store.status().message();
  metering::Meter meter(metering::MeterConfig{});
  std::FILE* report = std::tmpfile();
  ASSERT_NE(report, nullptr);
  PeriodicSaver saver(**store, {{"00000001", &meter}}, report);
  ASSERT_TRUE(saver.Save({Change(meter, "before")}).ok());

  testing::ArmFaultVfs({Fault::kDiskFull});
  for (int i = 0; i < 3; ++i) {
    meter.Apply(OneSecondOf(3600.0));  // 1 Wh per interval: the meter keeps registering
    EXPECT_FALSE(saver.Save({Change(meter, "during " + std::to_string(i))}).ok());
  }
  EXPECT_FALSE(saver.healthy());
  EXPECT_FALSE(meter.diagnostics().eeprom_ok);  // the status shows it
  EXPECT_EQ(saver.failed_saves(), 3);
  EXPECT_EQ(saver.pending_events(), 3u);
  EXPECT_NEAR(metering::Read(meter)[metering::QuantityId::kForwardActiveEnergyKwh], 0.003, 1e-9);
  const std::string failing = ReadReport(report);
  EXPECT_NE(failing.find("saving the state failed; the meter runs on from memory"),
            std::string::npos)
      << failing;
  const size_t first = failing.find("saving the state failed");
  EXPECT_EQ(failing.find("saving the state failed", first + 1), std::string::npos)
      << "reported once, not at every retry: " << failing;

  testing::DisarmFaultVfs();
  meter.Apply(OneSecondOf(3600.0));
  ASSERT_TRUE(saver.Save({Change(meter, "after")}).ok());
  EXPECT_TRUE(saver.healthy());
  EXPECT_TRUE(meter.diagnostics().eeprom_ok);
  EXPECT_EQ(saver.pending_events(), 0u);
  EXPECT_NE(ReadReport(report).find("saving the state works again after 3 failed save(s)"),
            std::string::npos);
  std::fclose(report);

  auto loaded = (*store)->Load("00000001");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, meter.state());
  auto events = (*store)->ReadEvents();
  ASSERT_TRUE(events.ok());
  std::vector<std::string> details;
  for (const storage::StoredEvent& e : *events) details.push_back(e.event.detail);
  ASSERT_EQ(details.size(), 6u);
  EXPECT_EQ(details[0], "before");
  EXPECT_EQ(details[1], "during 0");
  EXPECT_EQ(details[3], "during 2");
  EXPECT_EQ(details[4], "after");
  EXPECT_EQ((*events)[5].event.kind, storage::EventKind::kError);
  EXPECT_NE(details[5].find("saves failed 3 time(s) until now"), std::string::npos) << details[5];
}

TEST(PeriodicSaver, DeviceSettingsAreSavedWithTheMeter) {
  const std::string dir = testing::MakeTempDir("saver-settings");
  auto store = storage::StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  metering::Meter meter(metering::MeterConfig{});
  device::DeviceSettings settings;
  std::FILE* report = std::tmpfile();
  ASSERT_NE(report, nullptr);
  PeriodicSaver saver(**store, {{"00000001", &meter, &settings}}, report);
  ASSERT_TRUE(saver.Save({}).ok());
  EXPECT_EQ((*store)->LoadDeviceSettings("00000001")->size(), 4u);  // no meter_code: the default
  settings.modbus_id = 33;                                          // e.g. a Modbus write to 0x4007
  settings.baud_rate = 300;
  ASSERT_TRUE(saver.Save({}).ok());
  auto loaded = LoadSavedDeviceSettings(**store, "00000001", {});
  ASSERT_TRUE(loaded.ok() && loaded->has_value()) << loaded.status().message();
  EXPECT_EQ(**loaded, settings);

  // A saver without settings (the form {serial, meter}) leaves the saved ones alone.
  PeriodicSaver without(**store, {{"00000001", &meter}}, report);
  ASSERT_TRUE(without.Save({}).ok());
  EXPECT_EQ(**LoadSavedDeviceSettings(**store, "00000001", {}), settings);
  std::fclose(report);
}

// Settings are written only when they changed since the last working save (one writer: the
// store has them already); a change is written by the next save that works, also after failed
// ones, and a change back is written too.
TEST(PeriodicSaver, ChangedSettingsReachTheStoreAcrossFailedSaves) {
  const std::string dir = testing::MakeTempDir("saver-settings-changes");
  auto store = storage::StateStore::Open(dir, {.vfs = testing::DisarmFaultVfs()});
  ASSERT_TRUE(store.ok()) << store.status().message();
  metering::Meter meter(metering::MeterConfig{});
  device::DeviceSettings settings;
  std::FILE* report = std::tmpfile();
  ASSERT_NE(report, nullptr);
  PeriodicSaver saver(**store, {{"00000001", &meter, &settings}}, report);
  const auto saved = [&] { return **LoadSavedDeviceSettings(**store, "00000001", {}); };
  ASSERT_TRUE(saver.Save({}).ok());
  ASSERT_TRUE(saver.Save({}).ok());  // unchanged
  EXPECT_EQ(saved(), settings);

  settings.modbus_id = 12;
  testing::ArmFaultVfs({Fault::kDiskFull});
  EXPECT_FALSE(saver.Save({}).ok());
  testing::DisarmFaultVfs();
  EXPECT_EQ(saved().modbus_id, 1);  // the failed save wrote nothing
  ASSERT_TRUE(saver.Save({}).ok());
  EXPECT_EQ(saved().modbus_id, 12);

  settings.modbus_id = 1;  // back to what the first save wrote
  ASSERT_TRUE(saver.Save({}).ok());
  EXPECT_EQ(saved(), settings);
  std::fclose(report);
}

}  // namespace
}  // namespace pro380::app
