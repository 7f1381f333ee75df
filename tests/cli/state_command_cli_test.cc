// `pro380 state check|export|import` as a user runs them, and the one-writer rule of a state
// directory: a second `run` or an `import` is refused while a meter runs, `check` and `export`
// work beside it.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

std::vector<std::string> ShortRun(const std::string& state) {
  return {"run",      "--modbus-tcp",          "127.0.0.1:0",  "--state", state,
          "--source", "const:P1=2300,P2=-700", "--stop-after", "300ms",   "--speed",
          "3600"};
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(StateCommandCli, CheckReportsASoundStore) {
  const std::string state = testing::MakeTempDir("cmd-check");
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);
  const auto r = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // power_up, power_down; power_up, time_jump (the sped-up meter is ahead), power_down.
  EXPECT_NE(r.out.find(state + "/state.sqlite: ok (schema version 3, 1 meter(s), 5 event(s))"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("meter 00000001: power-down count 2"), std::string::npos) << r.out;
}

TEST(StateCommandCli, CheckRefusesMissingAndGarbageFiles) {
  const std::string state = testing::MakeTempDir("cmd-check-bad");
  const auto missing = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  WriteFile(state + "/state.sqlite", std::string(4096, 'x'));
  const auto garbage = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("is not a pro380 state file"), std::string::npos) << garbage.err;
}

TEST(StateCommandCli, ExportThenImportCarriesTheMeterToAnotherDirectory) {
  const std::string from = testing::MakeTempDir("cmd-from");
  const std::string to = testing::MakeTempDir("cmd-to");
  const std::string file = testing::MakeTempDir("cmd-file") + "/export.json";
  ASSERT_EQ(RunPro380(ShortRun(from)).exit_code, 0);
  const auto exported = RunPro380({"state", "export", "--state", from, "--output", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const auto imported = RunPro380({"state", "import", file, "--state", to});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 1 meter(s) (1 new) and 2 event(s)"), std::string::npos)
      << imported.out;
  const auto a = nlohmann::json::parse(RunPro380({"state", "export", "--state", from}).out);
  const auto b = nlohmann::json::parse(RunPro380({"state", "export", "--state", to}).out);
  EXPECT_EQ(a["meters"], b["meters"]);
  EXPECT_GT(a["meters"][0]["quantities"]["forward_active_energy_kwh"].get<double>(), 0.1);
  // The imported log and the import itself, logged as a reset through the cli.
  ASSERT_EQ(b["events"].size(), 3u);
  EXPECT_EQ(b["events"][2]["kind"], "reset");
  EXPECT_EQ(b["events"][2]["interface"], "cli");
  // The meter continues in its new directory.
  const auto run = RunPro380(ShortRun(to));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("power-down count 2"), std::string::npos) << run.out;
}

TEST(StateCommandCli, ImportNeverOverwritesWithoutReplace) {
  const std::string state = testing::MakeTempDir("cmd-conflict");
  const std::string file = testing::MakeTempDir("cmd-conflict-file") + "/export.json";
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);
  ASSERT_EQ(RunPro380({"state", "export", "--state", state, "--output", file}).exit_code, 0);
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);  // the store moves on: count 2
  const auto refused = RunPro380({"state", "import", file, "--state", state});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("meter 00000001 is already in"), std::string::npos) << refused.err;
  EXPECT_NE(RunPro380({"state", "check", "--state", state}).out.find("power-down count 2"),
            std::string::npos);
  const auto replaced = RunPro380({"state", "import", file, "--state", state, "--replace"});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NE(RunPro380({"state", "check", "--state", state}).out.find("power-down count 1"),
            std::string::npos);
}

TEST(StateCommandCli, ABadImportFileChangesNothing) {
  const std::string state = testing::MakeTempDir("cmd-bad-import");
  const std::string file = testing::MakeTempDir("cmd-bad-import-file") + "/export.json";
  ASSERT_EQ(RunPro380(ShortRun(state)).exit_code, 0);
  ASSERT_EQ(RunPro380({"state", "export", "--state", state, "--output", file}).exit_code, 0);
  auto doc = nlohmann::json::parse(std::ifstream(file));
  doc["meters"][0]["state"]["combined_code"] = 7;
  doc["meters"][0]["state"]["power_down_count"] = 99;
  WriteFile(file, doc.dump());
  const auto r = RunPro380({"state", "import", file, "--state", state, "--replace"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(
      r.err.find(file + ": meters[0].state: combined_code is not one of 1, 4, 5, 6, 9, 10, 11"),
      std::string::npos)
      << r.err;
  WriteFile(file, "{\"format\": ");
  const auto broken = RunPro380({"state", "import", file, "--state", state});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("not valid JSON"), std::string::npos) << broken.err;
  EXPECT_NE(RunPro380({"state", "check", "--state", state}).out.find("power-down count 1"),
            std::string::npos);
}

TEST(StateCommandCli, OneWriterPerStateDirectory) {
  const std::string state = testing::MakeTempDir("cmd-lock");
  testing::BackgroundPro380 running({"run", "--modbus-tcp", "127.0.0.1:0", "--state", state,
                                     "--source", "const:P1=2300", "--speed", "3600",
                                     "--save-interval", "50ms"});
  ASSERT_TRUE(running.WaitForOutput("power-down count 1", std::chrono::seconds(20)))
      << running.out() << running.err();
  const auto second = RunPro380(ShortRun(state));
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use by another pro380 process (pid " +
                            std::to_string(running.pid()) + ")"),
            std::string::npos)
      << second.err;
  const auto check = RunPro380({"state", "check", "--state", state});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const auto exported = RunPro380({"state", "export", "--state", state});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  const std::string file = testing::MakeTempDir("cmd-lock-file") + "/export.json";
  WriteFile(file, exported.out);
  const auto import = RunPro380({"state", "import", file, "--state", state, "--replace"});
  EXPECT_EQ(import.exit_code, 1);
  EXPECT_NE(import.err.find("in use by another pro380 process"), std::string::npos) << import.err;
  EXPECT_EQ(running.Stop(SIGTERM), 0) << running.err();
  // The refused second start did not count.
  const auto after = RunPro380({"state", "check", "--state", state});
  EXPECT_NE(after.out.find("power-down count 1"), std::string::npos) << after.out;
}

}  // namespace
}  // namespace pro380
