// `pro380 run` as `make run` starts it: live lines once a second, a clean stop, exit 2 on bad
// options. The run is bounded by --stop-after; nothing here asserts on timing.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RunCli, PrintsLiveQuantitiesAndStopsCleanly) {
  const auto r =
      RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--state", testing::MakeTempDir("run-live"),
                 "--source", "const:P1=2300,P3=-1150", "--speed", "3600", "--stop-after", "2s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_GE(lines.size(), 2u) << r.out;
  EXPECT_NE(lines[0].find("source const:P1=2300,P3=-1150"), std::string::npos);
  const std::string& last = lines.back();
  // Per-phase U, I, P as the source states them: 2.3 kW at 230 V is 10 A; L3 exports.
  EXPECT_NE(last.find("L1  230.0 V  10.000 A   2.300 kW"), std::string::npos) << last;
  EXPECT_NE(last.find("L3  230.0 V  -5.000 A  -1.150 kW"), std::string::npos) << last;
  EXPECT_NE(last.find("fwd "), std::string::npos) << last;
}

TEST(RunCli, DefaultSourceIsTheHousehold) {
  const auto r = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--state",
                            testing::MakeTempDir("run-default-source"), "--stop-after", "1s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("source sim:household"), std::string::npos) << r.out;
}

TEST(RunCli, BadOptionsExitTwo) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", "--modbus-tcp", "127.0.0.1:0", "--speed", "0"},
        std::vector<std::string>{"run", "--modbus-tcp", "127.0.0.1:0", "--source", "nonsense"},
        std::vector<std::string>{"run", "--modbus-tcp", "127.0.0.1:0", "--combined-code", "2"}}) {
    const auto r = RunPro380(args);
    EXPECT_EQ(r.exit_code, 2) << args[1];
    EXPECT_EQ(r.out, "") << args[1];
    EXPECT_FALSE(r.err.empty());
  }
}

}  // namespace
}  // namespace pro380
