// Device settings in the state (schema version 2) as a user meets them: `state import` takes
// them (optional, so older exports still import), `state check` and `state export` show them, a
// `run` keeps them, and settings the device does not allow are refused everywhere with the
// field and the value named.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

std::vector<std::string> ShortRun(const std::string& state) {
  return {"run",           "--modbus-tcp", "127.0.0.1:0", "--state", state, "--source",
          "const:P1=2300", "--stop-after", "300ms",       "--speed", "3600"};
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

const nlohmann::json kSettings = {
    {"modbus_id", 17}, {"baud_rate", 1200}, {"parity", 2}, {"lcd_cycle_time_s", 3}};

// An export of a meter that ran once, with `settings` put in (null: the key removed, as in an
// export made before device settings existed).
std::string ExportWith(const std::string& name, const nlohmann::json& settings) {
  const std::string state = testing::MakeTempDir(name + "-from");
  const std::string file = testing::MakeTempDir(name + "-file") + "/export.json";
  EXPECT_EQ(RunPro380(ShortRun(state)).exit_code, 0);
  const auto exported = RunPro380({"state", "export", "--state", state});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  auto doc = nlohmann::json::parse(exported.out);
  if (settings.is_null()) {
    doc["schema_version"] = 1;
    doc["meters"][0].erase("device_settings");
  } else {
    doc["meters"][0]["device_settings"] = settings;
  }
  WriteFile(file, doc.dump(2));
  return file;
}

nlohmann::json ExportedSettings(const std::string& state) {
  const auto r = RunPro380({"state", "export", "--state", state});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out)["meters"][0].value("device_settings", nlohmann::json());
}

TEST(StateSettingsCli, ImportedSettingsAreCheckedExportedAndKeptByRun) {
  const std::string file = ExportWith("settings-import", kSettings);
  const std::string state = testing::MakeTempDir("settings-import-to");
  const auto imported = RunPro380({"state", "import", file, "--state", state});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto check = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("(schema version 3, 1 meter(s)"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("device settings: modbus_id 17, baud_rate 1200, parity 2, "
                           "lcd_cycle_time_s 3"),
            std::string::npos)
      << check.out;
  EXPECT_EQ(ExportedSettings(state), kSettings);
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);  // a restart keeps them
  EXPECT_EQ(ExportedSettings(state), kSettings);
}

TEST(StateSettingsCli, AnExportWithoutSettingsImports) {
  const std::string file = ExportWith("settings-old", nullptr);
  const std::string state = testing::MakeTempDir("settings-old-to");
  const auto imported = RunPro380({"state", "import", file, "--state", state});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto check = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("device settings: none saved"), std::string::npos) << check.out;
  EXPECT_TRUE(ExportedSettings(state).is_null());
}

TEST(StateSettingsCli, ABadSettingInAnImportExitsTwoNamingItsPlace) {
  nlohmann::json bad = kSettings;
  bad["baud_rate"] = 1234;
  const std::string file = ExportWith("settings-bad", bad);
  const std::string state = testing::MakeTempDir("settings-bad-to");
  const auto r = RunPro380({"state", "import", file, "--state", state});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ": meters[0].device_settings: device setting baud_rate = 1234 is "
                              "not allowed (300, 600, 1200, 2400, 4800, 9600)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(RunPro380({"state", "check", "--state", state}).exit_code, 1);  // nothing written
}

TEST(StateSettingsCli, DamagedSavedSettingsAreRefusedNotRepaired) {
  const std::string file = ExportWith("settings-damaged", kSettings);
  const std::string state = testing::MakeTempDir("settings-damaged-to");
  ASSERT_EQ(RunPro380({"state", "import", file, "--state", state}).exit_code, 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((state + "/state.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE device_settings SET value = 9 WHERE name = 'parity'", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string why =
      "holds invalid device settings for meter 00000001 (device setting "
      "parity = 9 is not allowed (1 even, 2 none, 3 odd))";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"state", "check", "--state", state},
        std::vector<std::string>{"state", "export", "--state", state}, ShortRun(state)}) {
    const auto r = RunPro380(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << args[1];
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
  }
}

}  // namespace
}  // namespace pro380
