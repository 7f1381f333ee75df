// `pro380 simulate` as a user runs it: the manual's combined-code example from the command
// line, the JSON contract, and clear exit-2 errors for bad options.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metering/quantity.h"
#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

nlohmann::json SimulateJson(std::vector<std::string> extra) {
  std::vector<std::string> args = {"simulate", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunPro380(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

struct Row {
  int code;
  double total, forward, reverse;
  int s0_forward, s0_reverse;
};

class ManualExampleCli : public ::testing::TestWithParam<Row> {};

TEST_P(ManualExampleCli, MatchesBothTablesOfManualSection6_10) {
  const Row row = GetParam();
  const nlohmann::json j =
      SimulateJson({"--source", "const:P1=5000,P2=5000,P3=-12000", "--duration", "1h",
                    "--combined-code", std::to_string(row.code), "--s0-rate", "1"});
  ASSERT_TRUE(j.is_object());
  const auto& q = j["quantities"];
  EXPECT_DOUBLE_EQ(q["active_energy_kwh"].get<double>(), row.total);
  EXPECT_DOUBLE_EQ(q["forward_active_energy_kwh"].get<double>(), row.forward);
  EXPECT_DOUBLE_EQ(q["reverse_active_energy_kwh"].get<double>(), row.reverse);
  EXPECT_EQ(q["s0_forward_pulses"].get<int>(), row.s0_forward);
  EXPECT_EQ(q["s0_reverse_pulses"].get<int>(), row.s0_reverse);
  EXPECT_EQ(q["combined_code"].get<int>(), row.code);
}

std::string RowName(const ::testing::TestParamInfo<Row>& info) {
  return "C" + std::to_string(info.param.code);
}

INSTANTIATE_TEST_SUITE_P(EveryCode, ManualExampleCli,
                         ::testing::Values(Row{1, 10, 10, 12, 10, 0}, Row{4, -12, 10, 12, 0, 12},
                                           Row{5, 22, 10, 12, 10, 12}, Row{6, -22, 10, 12, 10, 12},
                                           Row{9, -2, 10, 12, 10, 12}, Row{10, -2, 0, 2, 0, 2},
                                           Row{11, -2, 10, 12, 0, 2}),
                         RowName);

TEST(SimulateCli, ManualExampleScenarioEqualsTheConstantSpec) {
  const nlohmann::json a = SimulateJson({"--source", "sim:manual-example", "--duration", "1h"});
  const nlohmann::json b =
      SimulateJson({"--source", "const:P1=5000,P2=5000,P3=-12000", "--duration", "1h"});
  EXPECT_EQ(a["quantities"], b["quantities"]);
}

TEST(SimulateCli, JsonCarriesEveryCanonicalQuantity) {
  const nlohmann::json j = SimulateJson({"--source", "const:P1=100", "--duration", "10s"});
  for (const auto& q : metering::kQuantities) {
    EXPECT_TRUE(j["quantities"].contains(std::string(q.name))) << q.name;
  }
  EXPECT_EQ(j["quantities"].size(), metering::kQuantityCount);
  EXPECT_EQ(j["meter"]["end"], "2026-01-01T00:00:10Z");
}

TEST(SimulateCli, ExportingPhaseReportsNegativeCurrent) {
  const nlohmann::json j = SimulateJson({"--source", "const:P1=-2300,U1=230", "--duration", "1s"});
  EXPECT_DOUBLE_EQ(j["quantities"]["current_l1_a"].get<double>(), -10);
  EXPECT_DOUBLE_EQ(j["quantities"]["active_power_l1_kw"].get<double>(), -2.3);
}

struct BadCase {
  std::vector<std::string> args;
  std::string must_mention;
};

class BadOptions : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadOptions, ExitTwoWithAMessageNamingTheProblemAndNothingOnStdout) {
  std::vector<std::string> args = {"simulate"};
  const auto& extra = GetParam().args;
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunPro380(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(GetParam().must_mention), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadOptions,
    ::testing::Values(
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--combined-code", "3"},
                "1, 4, 5, 6, 9, 10, 11"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--s0-rate", "500"},
                "10000, 2000, 1000, 100, 10, 1, 0.1, 0.01"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--ct", "77"}, "7500"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--wiring", "delta"}, "3p4w, 3p3w"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--tariff", "3"}, "--tariff"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--variant", "x"}, "mod, mb, s"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--serial", "123"},
                "8 decimal digits"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--id", "248"}, "1..247"},
        BadCase{{"--source", "const:P1=1", "--duration", "soon"}, "not a duration"},
        BadCase{{"--source", "const:P1=1"}, "--duration is required"},
        BadCase{{"--source", "const:P9=1", "--duration", "1h"}, "unknown key 'P9'"},
        BadCase{{"--source", "const:P1=abc", "--duration", "1h"}, "P1='abc' is not a number"},
        BadCase{{"--source", "nonsense", "--duration", "1h"}, "unknown source 'nonsense'"},
        BadCase{{"--source", "const:P1=1", "--duration", "1h", "--bogus"}, "--bogus"}));

TEST(Cli, VersionAndHelpExitZero) {
  EXPECT_EQ(RunPro380({"--version"}).exit_code, 0);
  const auto help = RunPro380({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("simulate"), std::string::npos);
}

}  // namespace
}  // namespace pro380
