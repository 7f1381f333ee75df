// `pro380 run --state DIR`: the meter survives restarts (power-down count, energy), refuses a
// damaged store and conflicting locked settings. Every run gets its own temporary --state so the
// tests never touch the user's real state directory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

struct RunSummary {
  long long power_down_count = -1;
  double forward_kwh = -1;
};

RunSummary Summarise(const std::string& out) {
  RunSummary s;
  std::smatch m;
  static const std::regex kCount("power-down count ([0-9]+)");
  if (std::regex_search(out, m, kCount)) s.power_down_count = std::stoll(m[1]);
  static const std::regex kForward("fwd +([0-9.]+) kWh");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), kForward);
       it != std::sregex_iterator(); ++it) {
    s.forward_kwh = std::stod((*it)[1]);  // the last line: the state at the stop
  }
  return s;
}

std::vector<std::string> RunArgsFor(const std::string& state, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"run", "--modbus-tcp", "127.0.0.1:0",   "--state",
                                   state, "--source",     "const:P1=2300", "--stop-after",
                                   "1s",  "--speed",      "3600"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(StateCli, PowerDownCountAndEnergyContinueAcrossRestarts) {
  const std::string state = testing::MakeTempDir("state-restart");
  const auto first = RunPro380(RunArgsFor(state));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto second = RunPro380(RunArgsFor(state));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const RunSummary a = Summarise(first.out);
  const RunSummary b = Summarise(second.out);
  EXPECT_EQ(a.power_down_count, 1) << first.out;
  EXPECT_EQ(b.power_down_count, 2) << second.out;
  // About 1 h at 2.3 kW per run: the second run continues from the first one's registers.
  ASSERT_GT(a.forward_kwh, 1.0) << first.out;
  EXPECT_GT(b.forward_kwh, a.forward_kwh + 1.0) << second.out;
}

TEST(StateCli, GarbageStateFileIsRefusedWithItsPath) {
  const std::string state = testing::MakeTempDir("state-garbage");
  const std::string path = state + "/state.sqlite";
  {
    std::ofstream out(path, std::ios::binary);
    out << "these are not the registers you are looking for\n";
  }
  const auto r = RunPro380(RunArgsFor(state));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("refusing to start"), std::string::npos) << r.err;
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}),
            "these are not the registers you are looking for\n");
}

TEST(StateCli, LockedSettingsOfASavedMeterAreNotOverwritten) {
  const std::string state = testing::MakeTempDir("state-locked");
  ASSERT_EQ(RunPro380(RunArgsFor(state, {"--combined-code", "10"})).exit_code, 0);
  const auto r = RunPro380(RunArgsFor(state, {"--combined-code", "5"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("--combined-code"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("final"), std::string::npos) << r.err;
  // Without the option the saved C-10 meter runs; the refused start did not count.
  const auto again = RunPro380(RunArgsFor(state));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Summarise(again.out).power_down_count, 2) << again.out;
}

TEST(StateCli, ADirectMeterCannotBecomeACtMeter) {
  const std::string state = testing::MakeTempDir("state-variant");
  ASSERT_EQ(RunPro380(RunArgsFor(state)).exit_code, 0);
  const auto r = RunPro380(RunArgsFor(state, {"--ct", "100"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("direct meter"), std::string::npos) << r.err;
}

// Runs the binary until it has printed its first live line (so it has run for a second of wall
// time and saved several times), then sends `signal_number`. Returns the exit status (-1 when
// killed by the signal).
int RunUntilFirstLineThenSignal(const std::vector<std::string>& args, int signal_number) {
  testing::BackgroundPro380 run(args);
  EXPECT_TRUE(run.WaitForOutput(" kWh", std::chrono::seconds(20))) << run.out() << run.err();
  return run.Stop(signal_number);
}

TEST(StateCli, AKilledRunKeepsItsLastPeriodicSave) {
  const std::string state = testing::MakeTempDir("state-killed");
  EXPECT_EQ(RunUntilFirstLineThenSignal(
                {"run", "--modbus-tcp", "127.0.0.1:0", "--state", state, "--source",
                 "const:P1=2300", "--speed", "3600", "--save-interval", "100ms"},
                SIGKILL),
            -1);
  const auto next = RunPro380(RunArgsFor(state));
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const RunSummary s = Summarise(next.out);
  EXPECT_EQ(s.power_down_count, 2) << next.out;
  // The killed run registered at least 1 h at 2.3 kW; its saves up to 100 ms before the kill
  // survive, so this run starts well above zero.
  EXPECT_GT(s.forward_kwh, 2.3 + 1.5) << next.out;
}

TEST(StateCli, SigtermStopsCleanlyAndSaves) {
  const std::string state = testing::MakeTempDir("state-sigterm");
  EXPECT_EQ(RunUntilFirstLineThenSignal(
                {"run", "--modbus-tcp", "127.0.0.1:0", "--state", state, "--source",
                 "const:P1=2300", "--speed", "3600", "--save-interval", "1h"},
                SIGTERM),
            0);
  const auto next = RunPro380(RunArgsFor(state));
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(Summarise(next.out).power_down_count, 2) << next.out;
  EXPECT_GT(Summarise(next.out).forward_kwh, 2.3 + 1.5) << next.out;
}

}  // namespace
}  // namespace pro380
