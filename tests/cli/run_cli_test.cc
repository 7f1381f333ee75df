// `pro380 run` as `make run` starts it: live lines once a second, a clean stop, exit 2 on bad
// options. The run is bounded by --stop-after; nothing here asserts on timing.
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <string>
#include <tuple>
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

TEST(RunCli, NamesEveryInterfaceWithItsBoundPortAndLine) {
  const std::string dir = testing::MakeTempDir("run-interfaces");
  const auto r = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--rtu-over-tcp", "127.0.0.1:0",
                            "--modbus-rtu", "pty:" + dir + "/line:4800:N", "--id", "7", "--state",
                            dir, "--source", "const:P1=2300", "--stop-after", "300ms"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Modbus TCP on 127.0.0.1:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Modbus TCP on 127.0.0.1:0,"), std::string::npos) << "the bound port";
  EXPECT_NE(r.out.find("Modbus RTU over TCP on 127.0.0.1:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Modbus RTU on " + dir + "/line at 4800 8N1, ID 7"), std::string::npos)
      << r.out;
}

TEST(RunCli, BadInterfaceOptionsExitTwoNamingTheOption) {
  const std::string dir = testing::MakeTempDir("run-bad-interface");
  for (const auto& [option, value, expected] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--modbus-tcp", "1502", "--modbus-tcp: '1502': no port"},
           {"--modbus-tcp", "example.com:502", "is not an IPv4 address"},
           {"--modbus-rtu", "/dev/ttyUSB0:9601", "'9601' is not a baud rate"},
           {"--modbus-rtu", "/dev/ttyUSB0:9600:X", "'X' is not a parity"},
           {"--rtu-over-tcp", "127.0.0.1:99999", "--rtu-over-tcp"},
           {"--http", "on", "--http (or off)"},
           {"--response-delay", "2s", "allowed values: 0ms to 1s"}}) {
    const auto r = RunPro380({"run", option, value, "--state", dir, "--stop-after", "1s"});
    EXPECT_EQ(r.exit_code, 2) << option << " " << value << ": " << r.err;
    EXPECT_EQ(r.out, "") << option;
    EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  }
}

TEST(RunCli, APortInUseIsARuntimeFailureNamingIt) {
  const std::string dir = testing::MakeTempDir("run-port-in-use");
  testing::BackgroundPro380 first({"run", "--modbus-tcp", "127.0.0.1:0", "--state", dir + "/a",
                                   "--source", "const:P1=2300", "--stop-after", "20s"});
  ASSERT_TRUE(first.WaitForOutput("Modbus TCP on 127.0.0.1:", std::chrono::seconds(10)));
  const std::string out = first.out();
  const size_t at = out.find("Modbus TCP on 127.0.0.1:") + 24;
  const std::string port = out.substr(at, out.find(',', at) - at);
  const auto second = RunPro380({"run", "--modbus-tcp", "127.0.0.1:" + port, "--state", dir + "/b",
                                 "--source", "const:P1=2300", "--stop-after", "1s"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_NE(second.err.find("--modbus-tcp: 127.0.0.1:" + port + ": cannot listen"),
            std::string::npos)
      << second.err;
  // Nothing was written: no power cycle counted for a start that failed.
  const auto export_b = RunPro380({"state", "export", "--state", dir + "/b"});
  ASSERT_EQ(export_b.exit_code, 0) << export_b.err;
  EXPECT_NE(export_b.out.find("\"events\""), std::string::npos) << export_b.out;
  EXPECT_EQ(export_b.out.find("power_up"), std::string::npos) << export_b.out;
  EXPECT_EQ(first.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace pro380
