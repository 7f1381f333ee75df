// `pro380 run --config FILE.toml`: several meters in one process and one store, a replacement
// meter's preset written once, command line over file, and a bad file refused with its key.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/run_binary.h"

namespace pro380 {
namespace {

using testing::RunPro380;

std::string WriteConfig(const std::string& name, const std::string& state,
                        const std::string& meters) {
  const std::string path = testing::MakeTempDir(name) + "/site.toml";
  std::ofstream(path) << "[run]\nsource = \"const:P1=2300\"\nspeed = 3600\nstate = \"" << state
                      << "\"\nstop_after = \"300ms\"\n\n"
                      << meters;
  return path;
}

const char* kTwoMeters = R"([[meter]]
serial = "22091039"
id = 1
[meter.preset]
forward_active_energy_t1_kwh = 12345.67
power_down_count = 17

[[meter]]
serial = "22091040"
id = 2
sealed = true
)";

nlohmann::json Export(const std::string& state) {
  return nlohmann::json::parse(RunPro380({"state", "export", "--state", state}).out);
}

TEST(ConfigCli, TwoMetersOneStoreAndAPresetWrittenOnce) {
  const std::string state = testing::MakeTempDir("config-two");
  const std::string config = WriteConfig("config-two-file", state, kTwoMeters);
  const auto first = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", config});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("2 meter(s)"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("serial 22091039: new meter, power-down count 18"), std::string::npos)
      << first.out;
  EXPECT_NE(first.out.find("serial 22091040 (sealed): new meter, power-down count 1"),
            std::string::npos)
      << first.out;
  const auto second = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", config});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("power-down count 19; its preset is ignored"), std::string::npos)
      << second.out;
  const auto doc = Export(state);
  ASSERT_EQ(doc["meters"].size(), 2u);
  const auto& replaced = doc["meters"][0]["quantities"];
  // The preset plus about 2 × 0.3 s × 3600 at 2.3 kW.
  EXPECT_GT(replaced["forward_active_energy_t1_kwh"].get<double>(), 12345.67 + 0.3);
  EXPECT_LT(replaced["forward_active_energy_t1_kwh"].get<double>(), 12345.67 + 5);
  EXPECT_LT(doc["meters"][1]["quantities"]["forward_active_energy_t1_kwh"].get<double>(), 5);
  int presets = 0;
  for (const auto& e : doc["events"]) {
    if (e["kind"] == "reset") {
      ++presets;
      EXPECT_EQ(e["meter_key"], "22091039");
      EXPECT_EQ(e["detail"],
                "preset written: forward_active_energy_t1_kwh=12345.67 "
                "power_down_count=17");
    }
  }
  EXPECT_EQ(presets, 1);
}

TEST(ConfigCli, TheCommandLineOverridesTheFile) {
  const std::string state = testing::MakeTempDir("config-override");
  const std::string other = testing::MakeTempDir("config-override-other");
  const std::string config =
      WriteConfig("config-override-file", state, "[[meter]]\nserial = \"12345678\"\n");
  const auto r = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", config, "--state",
                            other, "--serial", "87654321", "--source", "const:P1=100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("serial 87654321: new meter"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("source const:P1=100"), std::string::npos) << r.out;
  EXPECT_EQ(Export(other)["meters"][0]["key"], "87654321");
  EXPECT_EQ(RunPro380({"state", "check", "--state", state}).exit_code, 1);  // never created
}

TEST(ConfigCli, MeterOptionsNeedAConfigWithOneMeter) {
  const std::string state = testing::MakeTempDir("config-ambiguous");
  const std::string config = WriteConfig("config-ambiguous-file", state, kTwoMeters);
  const auto r =
      RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", config, "--tariff", "2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the config has 2 [[meter]] tables"), std::string::npos) << r.err;
  EXPECT_EQ(RunPro380({"state", "check", "--state", state}).exit_code, 1);  // nothing written
}

TEST(ConfigCli, ABadFileNamesTheKeyAndWritesNothing) {
  const std::string state = testing::MakeTempDir("config-bad");
  const std::string config = WriteConfig("config-bad-file", state,
                                         "[[meter]]\nserial = \"22091039\"\ncombined_code = 7\n");
  const auto r = RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("site.toml:9: meter[1].combined_code = 7 is not allowed; allowed values: "
                       "1, 4, 5, 6, 9, 10, 11"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(RunPro380({"state", "check", "--state", state}).exit_code, 1);
  const auto missing =
      RunPro380({"run", "--modbus-tcp", "127.0.0.1:0", "--config", state + "/nothing.toml"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nothing.toml"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace pro380
