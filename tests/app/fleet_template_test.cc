#include "app/fleet_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "app/meter_option_keys.h"
#include "app/run_config.h"
#include "app/run_plan.h"

namespace pro380::app {
namespace {

using ::testing::HasSubstr;

// The plan a config file resolves to, as `pro380 run --config site.toml` makes it.
Result<RunPlan> PlanOf(const std::string& toml) {
  auto config = ParseRunConfig(toml, "site.toml");
  if (!config.ok()) return config.status();
  return ResolveRunPlan(RunArgs{}, std::optional<RunConfig>(*config), nullptr, "/home/someone");
}

std::string ErrorOf(std::string_view text) {
  auto config = ParseRunConfig(text, "site.toml");
  EXPECT_FALSE(config.ok()) << "expected an error for:\n" << text;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  return config.status().message();
}

constexpr std::string_view kFleet = R"([[fleet]]
count = 500
serial_start = "30000001"
id_start = 5
ids_per_port = 200
modbus_tcp = "127.0.0.1:15000"
seed_start = 1000
)";

TEST(FleetTemplateTest, ExpandsSerialsIdsPortsAndSeeds) {
  auto config = ParseRunConfig(kFleet, "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_TRUE(config->meters.empty());  // a file of fleets only has no default meter
  ASSERT_EQ(config->fleets.size(), 1u);
  const FleetTemplate& fleet = config->fleets[0];
  EXPECT_EQ(fleet.ports(), 3);

  RunArgs args;
  auto plan = ResolveRunPlan(args, std::optional<RunConfig>(*config), nullptr, "/home/someone");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->meters.size(), 500u);
  ASSERT_EQ(plan->fleet_ports.size(), 3u);
  EXPECT_EQ(plan->fleet_ports[0].modbus_tcp.at(0).port, 15000);
  EXPECT_EQ(plan->fleet_ports[2].modbus_tcp.at(0).port, 15002);
  EXPECT_EQ(plan->fleet_ports[1].modbus_tcp.at(0).address, "127.0.0.1");
  EXPECT_TRUE(plan->fleet_ports[1].modbus_rtu.empty());
  // Meter j: serial 30000001 + j, ID 5 + j % 200 on port j / 200, seed 1000 + j.
  for (const int j : {0, 1, 199, 200, 201, 399, 400, 499}) {
    const PlannedMeter& m = plan->meters[static_cast<std::size_t>(j)];
    EXPECT_EQ(m.options.serial, std::to_string(30000001 + j)) << j;
    EXPECT_EQ(m.options.id, 5 + j % 200) << j;
    EXPECT_EQ(m.options.variant, Variant::kMod);
    EXPECT_EQ(m.fleet_port, static_cast<std::size_t>(j / 200)) << j;
    EXPECT_EQ(m.seed, 1000u + static_cast<uint64_t>(j)) << j;
  }
}

TEST(FleetTemplateTest, MetersComeFirstAndKeepTheirInterfaces) {
  auto config = ParseRunConfig(std::string(kFleet) + R"(
[[meter]]
serial = "22091039"
)",
                               "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  auto plan =
      ResolveRunPlan(RunArgs{}, std::optional<RunConfig>(*config), nullptr, "/home/someone");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->meters.size(), 501u);
  EXPECT_EQ(plan->meters[0].options.serial, "22091039");
  EXPECT_FALSE(plan->meters[0].fleet_port);
  EXPECT_FALSE(plan->meters[0].seed);  // [run].seed + its index, as before
  EXPECT_EQ(plan->meters[1].options.serial, "30000001");
}

TEST(FleetTemplateTest, DefaultsAreAllIdsOfAPortAndTheRunSeed) {
  auto config = ParseRunConfig(R"([[fleet]]
count = 248
serial_start = "00000010"
modbus_tcp = "localhost:0"
)",
                               "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const FleetTemplate& fleet = config->fleets[0];
  EXPECT_EQ(fleet.id_start, 1);
  EXPECT_EQ(fleet.ids_per_port, 247);
  EXPECT_EQ(fleet.ports(), 2);
  EXPECT_EQ(fleet.Serial(0), "00000010");
  EXPECT_EQ(fleet.Id(246), 247);
  EXPECT_EQ(fleet.Id(247), 1);
  EXPECT_FALSE(fleet.seed_start);
  auto plan =
      ResolveRunPlan(RunArgs{}, std::optional<RunConfig>(*config), nullptr, "/home/someone");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->fleet_ports[0].modbus_tcp.at(0).port, 0);  // every port any free port
  EXPECT_EQ(plan->fleet_ports[1].modbus_tcp.at(0).port, 0);
}

TEST(FleetTemplateTest, BadValuesNameTheKeyAndTheAllowedValues) {
  const std::string head = "[[fleet]]\n";
  const std::string rest = "serial_start = \"30000001\"\nmodbus_tcp = \"127.0.0.1:0\"\n";
  EXPECT_EQ(ErrorOf(head + "count = 0\n" + rest),
            "site.toml:2: fleet[1].count = 0 is not allowed; allowed values: 1..100000");
  EXPECT_EQ(ErrorOf(head + "count = 100001\n" + rest),
            "site.toml:2: fleet[1].count = 100001 is not allowed; allowed values: 1..100000");
  EXPECT_EQ(ErrorOf(head + "count = \"10\"\n" + rest),
            "site.toml:2: fleet[1].count must be an integer");
  EXPECT_THAT(ErrorOf(head + "count = 10\nids_per_port = 248\n" + rest),
              HasSubstr("fleet[1].ids_per_port = 248 is not allowed; allowed values: 1..247"));
  EXPECT_THAT(ErrorOf(head + "count = 10\nid_start = 0\n" + rest),
              HasSubstr("fleet[1].id_start = 0 is not allowed; allowed values: 1..247"));
  EXPECT_THAT(ErrorOf(head + "count = 10\nid_start = 100\nids_per_port = 200\n" + rest),
              HasSubstr("site.toml:3: fleet[1].id_start + ids_per_port - 1 = 299 is not "
                        "allowed; allowed values: at most 247"));
  EXPECT_THAT(ErrorOf(head + "count = 10\nserial_start = \"3000001\"\nmodbus_tcp = \"1.2.3.4:1\""),
              HasSubstr("fleet[1].serial_start = \"3000001\" is not allowed; allowed values: "
                        "exactly 8 decimal digits"));
  EXPECT_THAT(ErrorOf(head + "count = 10\nserial_start = \"99999995\"\nmodbus_tcp = \":1\""),
              HasSubstr("fleet[1].modbus_tcp = \":1\" is not allowed; allowed values: ADDR:PORT"));
  EXPECT_THAT(
      ErrorOf(head + "count = 10\nserial_start = \"99999995\"\nmodbus_tcp = \"127.0.0.1:1\""),
      HasSubstr("fleet[1].serial_start + count - 1 = 100000004 is not allowed; allowed values: at "
                "most 99999999"));
  EXPECT_THAT(ErrorOf(head + "count = 1000\nserial_start = \"10000000\"\n" +
                      "modbus_tcp = \"127.0.0.1:65534\""),
              HasSubstr("fleet[1].modbus_tcp: the fleet needs 5 ports from 65534; allowed "
                        "values: a first port of at most 65531"));
  EXPECT_THAT(
      ErrorOf(head + "count = 10\ncolour = 1\n" + rest),
      HasSubstr("site.toml:3: fleet[1].colour is not a known key; known keys: count, "
                "serial_start, id_start, ids_per_port, modbus_tcp, modbus_rtu, "
                "mbus_tcp, mbus, seed_start, sealed, variant, ct, combined_code, s0_rate, wiring, "
                "tariff, identity"));
  EXPECT_THAT(ErrorOf(head + rest),
              HasSubstr("site.toml:1: fleet[1] needs count (the number of meters, 1..100000)"));
  EXPECT_THAT(ErrorOf("fleet = 3\n"),
              HasSubstr("fleet must be an array of tables: write [[fleet]]"));
}

TEST(FleetTemplateTest, SerialsAreUniqueAcrossFleetsAndMeters) {
  const std::string fleet = R"([[fleet]]
count = 100
serial_start = "30000001"
modbus_tcp = "127.0.0.1:0"
)";
  EXPECT_THAT(ErrorOf(fleet + fleet),
              HasSubstr("site.toml:5: fleet[2] serials 30000001..30000100 overlap fleet[1]'s "
                        "30000001..30000100; every meter needs its own serial"));
  EXPECT_THAT(ErrorOf(fleet + "[[meter]]\nserial = \"30000100\"\n"),
              HasSubstr("meter[1] repeats serial \"30000100\" of fleet[1] "
                        "(30000001..30000100)"));
  auto disjoint = ParseRunConfig(fleet + "[[meter]]\nserial = \"30000101\"\n", "site.toml");
  EXPECT_TRUE(disjoint.ok()) << disjoint.status().message();
}

TEST(FleetTemplateTest, MeterOptionsOnTheCommandLineAreAmbiguousWithAFleet) {
  auto config = ParseRunConfig(kFleet, "site.toml");
  ASSERT_TRUE(config.ok());
  RunArgs args;
  args.meter.ct = "100";
  args.given_run_options.push_back("--ct");
  auto plan = ResolveRunPlan(args, std::optional<RunConfig>(*config), nullptr, "/home/someone");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("0 [[meter]] tables and 1 [[fleet]]"));
}

// --- RTU lines and meter keys (docs/config.md, "[[fleet]]") -----------------------------------

TEST(FleetTemplateTest, RtuLinesFromAPatternOnePerBusWithoutTcp) {
  auto plan = PlanOf(R"([[fleet]]
count = 5
serial_start = "40000001"
ids_per_port = 3
modbus_rtu = "pty:/tmp/fleet%d:4800:N"
)");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->fleet_ports.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    const InterfacePlan& bus = plan->fleet_ports[k];
    EXPECT_TRUE(bus.modbus_tcp.empty());
    ASSERT_EQ(bus.modbus_rtu.size(), 1u);
    EXPECT_EQ(bus.modbus_rtu[0].device, "/tmp/fleet" + std::to_string(k));
    EXPECT_TRUE(bus.modbus_rtu[0].pty);
    EXPECT_EQ(bus.modbus_rtu[0].baud, 4800u);
    EXPECT_EQ(bus.modbus_rtu[0].parity, transport::SerialParity::kNone);
  }
  EXPECT_EQ(plan->meters[4].fleet_port, 1u);
  EXPECT_EQ(plan->meters[4].options.id, 2);
}

TEST(FleetTemplateTest, RtuLinesFromAnArrayBesideTcpPorts) {
  auto plan = PlanOf(R"([[fleet]]
count = 3
serial_start = "40000001"
ids_per_port = 2
modbus_tcp = "127.0.0.1:15000"
modbus_rtu = ["/dev/ttyUSB0:9600:E", "pty:/tmp/second"]
)");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->fleet_ports.size(), 2u);
  EXPECT_EQ(plan->fleet_ports[1].modbus_tcp.at(0).port, 15001);
  EXPECT_EQ(plan->fleet_ports[0].modbus_rtu.at(0).device, "/dev/ttyUSB0");
  EXPECT_FALSE(plan->fleet_ports[0].modbus_rtu.at(0).pty);
  EXPECT_EQ(plan->fleet_ports[1].modbus_rtu.at(0).device, "/tmp/second");
  EXPECT_FALSE(plan->fleet_ports[1].modbus_rtu.at(0).baud);  // the meters' own setting
}

std::string FleetError(std::string_view keys) {
  return ErrorOf(std::string("[[fleet]]\ncount = 5\nserial_start = \"40000001\"\n"
                             "ids_per_port = 3\n") +
                 std::string(keys));
}

TEST(FleetTemplateTest, BadRtuLinesExitNamingTheKeyAndTheAllowedValues) {
  EXPECT_THAT(FleetError("modbus_rtu = \"pty:/tmp/one\"\n"),
              AllOf(HasSubstr("site.toml:5: fleet[1].modbus_rtu = \"pty:/tmp/one\" is not "
                              "allowed; allowed values: one line per bus (this fleet has 2)"),
                    HasSubstr("%d")));
  EXPECT_THAT(FleetError("modbus_rtu = [\"pty:/tmp/one\"]\n"),
              HasSubstr("fleet[1].modbus_rtu has 1 line(s); allowed values: one line per bus"));
  EXPECT_THAT(FleetError("modbus_rtu = [\"pty:/tmp/a\", \"pty:/tmp/a\"]\n"),
              HasSubstr("fleet[1].modbus_rtu: two buses on /tmp/a is not allowed"));
  EXPECT_THAT(FleetError("modbus_rtu = [\"pty:/tmp/a\", 7]\n"),
              HasSubstr("fleet[1].modbus_rtu must hold strings"));
  EXPECT_THAT(FleetError("modbus_rtu = 7\n"),
              HasSubstr("fleet[1].modbus_rtu must be a string or an array of strings"));
  EXPECT_THAT(FleetError("modbus_rtu = \"pty:/tmp/f%d:12345\"\n"),
              AllOf(HasSubstr("fleet[1].modbus_rtu = \"pty:/tmp/f0:12345\" is not allowed"),
                    HasSubstr("is not a baud rate")));
  EXPECT_THAT(FleetError(""), HasSubstr("fleet[1] needs modbus_tcp or modbus_rtu"));
}

TEST(FleetTemplateTest, MeterKeysApplyToEveryMeterOfTheFleet) {
  auto plan = PlanOf(R"([[fleet]]
count = 2
serial_start = "40000001"
modbus_tcp = "127.0.0.1:0"
ct = 100
combined_code = 4
s0_rate = 100
wiring = "3p3w"
tariff = 2
identity = "solar-log"
)");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  for (const PlannedMeter& m : plan->meters) {
    EXPECT_TRUE(m.options.meter.ct_variant);
    EXPECT_EQ(m.options.meter.ct_ratio, 100);
    EXPECT_EQ(m.options.meter.wiring, metering::Wiring::k3P3W);
    EXPECT_EQ(m.options.meter.tariff, metering::Tariff::kT2);
    EXPECT_EQ(m.options.identity, Identity::kSolarLog);
    EXPECT_EQ(m.options.variant, Variant::kMod);
    EXPECT_THAT(m.given,
                ::testing::IsSupersetOf({"--serial", "--id", "--ct", "--combined-code", "--s0-rate",
                                         "--wiring", "--tariff", "--identity"}));
  }
  EXPECT_EQ(plan->meters[1].options.serial, "40000002");
  EXPECT_EQ(plan->meters[1].options.id, 2);
}

TEST(FleetTemplateTest, BadMeterKeysExitNamingTheFleetKey) {
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nct = 7\n"),
              HasSubstr("site.toml:6: fleet[1].ct = 7 is not allowed; allowed values: "));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nwiring = \"star\"\n"),
              HasSubstr("fleet[1].wiring = \"star\" is not allowed; allowed values: 3p4w, 3p3w"));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nwiring = 3\n"),
              HasSubstr("fleet[1].wiring must be a string"));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nvariant = \"x\"\n"),
              HasSubstr("site.toml:6: fleet[1].variant = \"x\" is not allowed; allowed values: "
                        "mod (buses: modbus_tcp, modbus_rtu), mb (buses: mbus_tcp, mbus), s (no "
                        "bus: read over the web page and REST API)"));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nvariant = 1\n"),
              HasSubstr("fleet[1].variant must be a string"));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nserial = \"30000001\"\n"),
              HasSubstr("fleet[1].serial is not a known key"));
  EXPECT_THAT(FleetError("modbus_tcp = \"127.0.0.1:0\"\nid = 3\n"),
              HasSubstr("fleet[1].id is not a known key"));
}

// The fleet's meter keys are the [[meter]] keys but serial and id (app/meter_option_keys.h): a key
// added to kMeterOptionKeys must be read by a fleet too, or named as one a fleet cannot take. A
// new key without a sample value here fails this test.
TEST(FleetTemplateTest, EveryMeterKeyButSerialAndIdIsAFleetKey) {
  const std::map<std::string_view, std::string_view> samples = {
      {"variant", "\"mod\""}, {"ct", "100"},   {"combined_code", "4"},       {"s0_rate", "100"},
      {"wiring", "\"3p3w\""}, {"tariff", "2"}, {"identity", "\"solar-log\""}};
  std::vector<std::string_view> fleet_keys;
  for (const MeterOptionKey& k : kMeterOptionKeys) {
    if (k.key == "serial" || k.key == "id") continue;
    fleet_keys.push_back(k.key);
    ASSERT_TRUE(samples.contains(k.key)) << "no sample value for the meter key " << k.key;
    const std::string text =
        "[[fleet]]\ncount = 2\nserial_start = \"40000001\"\n"
        "modbus_tcp = \"127.0.0.1:0\"\n" +
        std::string(k.key) + " = " + std::string(samples.at(k.key)) + "\n";
    auto config = ParseRunConfig(text, "site.toml");
    ASSERT_TRUE(config.ok()) << k.key << ": " << config.status().message();
    ASSERT_EQ(config->fleets.size(), 1u);
    EXPECT_THAT(config->fleets[0].given, ::testing::Contains("--" + std::string(k.option)));
  }
  std::vector<std::string_view> derived;
  for (const MeterOptionKey& k : kFleetMeterKeys) derived.push_back(k.key);
  EXPECT_EQ(derived, fleet_keys);
}

}  // namespace
}  // namespace pro380::app
