// The record sources from the command line: `simulate --source csv:FILE` with exact energies,
// bad CSV files and source specs (exit 2, the place on stderr, nothing on stdout), and
// `sim:household` through the whole program.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::MakeTempDir("source-cli-" + name) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

nlohmann::json SimulateJson(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"simulate", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = RunPro380(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
}

// L1 +3 kW, L2 +3 kW, L3 -2 kW for 1 h, then L3 -8 kW for 30 min twice (the last row lasts as
// long as the row before it). CRLF, a comment and epoch times, as a logger might write them.
const std::string kNettingCsv =
    "# two hours of a three-phase installation\r\n"
    "time,p1,p2,p3,u1,u2,u3\r\n"
    "1767225600,3000,3000,-2000,230,230,230\r\n"
    "1767229200,3000,3000,-8000,230,230,230\r\n"
    "1767231000,3000,3000,-8000,230,230,230\r\n";

TEST(SourceCli, CsvFileGivesExactEnergiesAndEndsWithTheFile) {
  const std::string path = WriteFile("netting.csv", kNettingCsv);
  const nlohmann::json j = SimulateJson({"--source", "csv:" + path});
  ASSERT_TRUE(j.is_object());
  const auto& q = j["quantities"];
  EXPECT_DOUBLE_EQ(q["forward_active_energy_l1_kwh"].get<double>(), 6);
  EXPECT_DOUBLE_EQ(q["forward_active_energy_l2_kwh"].get<double>(), 6);
  EXPECT_DOUBLE_EQ(q["reverse_active_energy_l3_kwh"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(q["forward_active_energy_kwh"].get<double>(), 12);
  EXPECT_DOUBLE_EQ(q["reverse_active_energy_kwh"].get<double>(), 10);
  EXPECT_DOUBLE_EQ(q["active_energy_kwh"].get<double>(), 12);  // C-01: forward only
  EXPECT_DOUBLE_EQ(q["current_l3_a"].get<double>(), -8000.0 / 230);
  EXPECT_DOUBLE_EQ(j["meter"]["simulated_seconds"].get<double>(), 7200);
  EXPECT_EQ(j["meter"]["end"], "2026-01-01T02:00:00Z");
}

TEST(SourceCli, CsvNettingUnderC10IsPerRow) {
  const std::string path = WriteFile("netting10.csv", kNettingCsv);
  const nlohmann::json j = SimulateJson({"--source", "csv:" + path, "--combined-code", "10"});
  const auto& q = j["quantities"];
  EXPECT_DOUBLE_EQ(q["forward_active_energy_kwh"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(q["reverse_active_energy_kwh"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(q["active_energy_kwh"].get<double>(), 2);
}

TEST(SourceCli, DurationShorterThanTheFileStopsEarly) {
  const std::string path = WriteFile("short.csv", kNettingCsv);
  const nlohmann::json j = SimulateJson({"--source", "csv:" + path, "--duration", "30m"});
  EXPECT_DOUBLE_EQ(j["quantities"]["forward_active_energy_l1_kwh"].get<double>(), 1.5);
  EXPECT_EQ(j["meter"]["end"], "2026-01-01T00:30:00Z");
}

struct BadRun {
  std::string name;
  std::vector<std::string> args;  // "@FILE@" is replaced by the path of `csv`
  std::string csv;
  std::string must_mention;  // "@FILE@" is replaced by the path
};

void PrintTo(const BadRun& bad, std::ostream* out) { *out << bad.name; }

class BadSource : public ::testing::TestWithParam<BadRun> {};

TEST_P(BadSource, ExitsTwoWithThePlaceOnStderrAndNothingOnStdout) {
  const BadRun& bad = GetParam();
  const std::string path = WriteFile(bad.name + ".csv", bad.csv);
  std::vector<std::string> args = {"simulate"};
  std::string must_mention = bad.must_mention;
  for (std::string a : bad.args) {
    if (const auto at = a.find("@FILE@"); at != std::string::npos) a.replace(at, 6, path);
    args.push_back(a);
  }
  if (const auto at = must_mention.find("@FILE@"); at != std::string::npos) {
    must_mention.replace(at, 6, path);
  }
  const auto r = RunPro380(args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(must_mention), std::string::npos) << r.err;
}

std::string ManyRowsThen(const std::string& last_line) {
  std::string text = "time,p1,p2,p3\n";
  for (int i = 0; i < 20000; ++i) text += std::to_string(i) + ",1000,2000,-500\n";
  return text + last_line + "\n";
}

std::string CaseName(const ::testing::TestParamInfo<BadRun>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Cases, BadSource,
    ::testing::Values(BadRun{"BadNumberOnTheLastLine",
                             {"--source", "csv:@FILE@", "--json"},
                             ManyRowsThen("20000,1000,x,-500"),
                             "@FILE@:20002: column 'p2': 'x' is not a number"},
                      BadRun{"TimeBackwardsOnTheLastLine",
                             {"--source", "csv:@FILE@"},
                             ManyRowsThen("5,1000,2000,-500"),
                             "@FILE@:20002: time 5 is not after"},
                      BadRun{"WrongFieldCount",
                             {"--source", "csv:@FILE@", "--json"},
                             "time,p1,p2,p3\n0,1,2,3\n1,1,2\n",
                             "@FILE@:3: 3 fields, but the header names 4"},
                      BadRun{"UnknownColumn",
                             {"--source", "csv:@FILE@"},
                             "time,p1,p2,p3,p9\n0,1,2,3,4\n",
                             "@FILE@:1: unknown column 'p9'"},
                      BadRun{"HeaderOnly",
                             {"--source", "csv:@FILE@"},
                             "time,p1,p2,p3\n",
                             "@FILE@:2: no data rows"},
                      BadRun{"MissingFile",
                             {"--source", "csv:@FILE@.missing"},
                             "",
                             "@FILE@.missing: cannot read: No such file or directory"},
                      BadRun{"UnknownSpec",
                             {"--source", "sim:castle", "--duration", "1h"},
                             "",
                             "unknown source 'sim:castle'; allowed: const:"},
                      BadRun{"UnknownSpecListsEveryKind",
                             {"--source", "mqtt", "--duration", "1h"},
                             "",
                             "sim:manual-example, sim:household, sim:pv, "
                             "sim:ev[?limit=6..32A&phases=1|3], sim:heat-pump, sim:office, "
                             "csv:FILE"},
                      BadRun{"ScenarioOptionOutOfRange",
                             {"--source", "sim:ev?limit=40A", "--duration", "1h"},
                             "",
                             "source 'sim:ev?limit=40A': limit must be a whole number of "
                             "amperes from 6 to 32 (e.g. limit=16A), not '40A'"},
                      BadRun{"ScenarioWithoutOptions",
                             {"--source", "sim:pv?kwp=5", "--duration", "1h"},
                             "",
                             "source 'sim:pv?kwp=5': sim:pv takes no options"},
                      BadRun{"DurationMissingForAScenario",
                             {"--source", "sim:household"},
                             "",
                             "--duration is required for source 'sim:household'"},
                      // The input limits (metering/input_limits.h): no value can push the
                      // meter's int64 µWh arithmetic into overflow.
                      BadRun{"ConstPowerBeyondTheLimit",
                             {"--source", "const:P1=1e300", "--duration", "1h", "--json"},
                             "",
                             "--source: const source: P1=1e300 is outside -3000000..3000000 W"},
                      BadRun{"ConstNegativePowerBeyondTheLimit",
                             {"--source", "const:P1=5000,P3=-1e300", "--duration", "1h"},
                             "",
                             "const source: P3=-1e300 is outside -3000000..3000000 W"},
                      BadRun{"ConstCurrentBeyondTheLimit",
                             {"--source", "const:P2=2400000", "--duration", "1h"},
                             "",
                             "const source: phase 2: current S/U = 10434.782608695652 A (from "
                             "P2, Q2, U2) is outside -10000..10000 A"},
                      BadRun{"CsvPowerBeyondTheLimitOnTheLastLine",
                             {"--source", "csv:@FILE@", "--json"},
                             ManyRowsThen("20000,1000,1e300,-500"),
                             "@FILE@:20002: column 'p2': '1e300' is outside -3000000..3000000 W"},
                      BadRun{"CsvFileLongerThan100Years",
                             {"--source", "csv:@FILE@"},
                             "time,p1,p2,p3\n0,1,2,3\n3153600001,1,2,3\n",
                             "@FILE@:3: time 3153600001 is more than 100 years after the first "
                             "row's time 0"}),
    CaseName);

TEST(SourceCli, ValuesAtTheInputLimitsRun) {
  const nlohmann::json j = SimulateJson(
      {"--source", "const:P1=3e6,U1=300,P2=-3e6,U2=300,Q3=3e6,U3=300,F=65", "--duration", "1h"});
  ASSERT_TRUE(j.is_object());
  EXPECT_DOUBLE_EQ(j["quantities"]["forward_active_energy_l1_kwh"].get<double>(), 3000);
  EXPECT_DOUBLE_EQ(j["quantities"]["reverse_active_energy_l2_kwh"].get<double>(), 3000);
}

TEST(SourceCli, HouseholdDayIsDeterministicPerSeed) {
  const auto day = [](const std::string& seed) {
    return SimulateJson({"--source", "sim:household", "--duration", "1d", "--seed", seed});
  };
  const nlohmann::json a = day("1");
  const nlohmann::json b = day("1");
  const nlohmann::json c = day("2");
  EXPECT_EQ(a["quantities"], b["quantities"]);
  EXPECT_NE(a["quantities"]["active_energy_kwh"], c["quantities"]["active_energy_kwh"]);
  const double kwh = a["quantities"]["active_energy_kwh"].get<double>();
  EXPECT_GT(kwh, 2);
  EXPECT_LT(kwh, 30);
  for (const char* phase : {"l1", "l2", "l3"}) {
    EXPECT_GT(a["quantities"][std::string("active_energy_") + phase + "_kwh"].get<double>(), 0.3)
        << phase;
  }
  EXPECT_GT(a["quantities"]["forward_reactive_energy_kvarh"].get<double>(), 0);
  EXPECT_GT(a["quantities"]["reverse_reactive_energy_kvarh"].get<double>(), 0);
}

// sim:pv through the whole program (docs/scenarios.md): around a summer noon the meter's reverse
// registers count the export; at night there is none.
TEST(SourceCli, PvExportsAtASummerNoonAndNotAtNight) {
  double noon_export = 0;
  for (const char* seed : {"1", "2", "3", "4"}) {
    const nlohmann::json noon =
        SimulateJson({"--source", "sim:pv", "--start", "2026-06-21T11:00:00Z", "--duration", "2h",
                      "--seed", seed});
    ASSERT_TRUE(noon.is_object()) << seed;
    noon_export += noon["quantities"]["reverse_active_energy_kwh"].get<double>();
    const nlohmann::json night =
        SimulateJson({"--source", "sim:pv", "--start", "2026-06-21T00:00:00Z", "--duration", "3h",
                      "--seed", seed});
    EXPECT_EQ(night["quantities"]["reverse_active_energy_kwh"].get<double>(), 0) << seed;
    EXPECT_GT(night["quantities"]["forward_active_energy_kwh"].get<double>(), 0) << seed;
  }
  // 3–12 kWp systems for two hours around noon, less what the households use.
  EXPECT_GT(noon_export, 4);
}

TEST(SourceCli, EveryScenarioRunsAndIsDeterministicPerSeed) {
  for (const char* spec : {"sim:pv", "sim:ev?limit=10A&phases=1", "sim:heat-pump", "sim:office"}) {
    const auto week = [spec](const char* seed) {
      return SimulateJson({"--source", spec, "--start", "2026-01-05T00:00:00Z", "--duration", "7d",
                           "--seed", seed});
    };
    const nlohmann::json a = week("5");
    ASSERT_TRUE(a.is_object()) << spec;
    EXPECT_EQ(a["quantities"], week("5")["quantities"]) << spec;
    EXPECT_NE(a["quantities"]["active_energy_kwh"], week("6")["quantities"]["active_energy_kwh"])
        << spec;
    EXPECT_GT(a["quantities"]["forward_active_energy_kwh"].get<double>(), 1) << spec;
  }
}

}  // namespace
}  // namespace pro380
