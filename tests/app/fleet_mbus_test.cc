// PRO380-Mb fleets (docs/config.md, "[[fleet]]"; app/fleet_template.h): a [[fleet]] with
// variant = "mb" on M-Bus TCP ports and M-Bus lines, primary addresses 1..250 a bus.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/fleet_template.h"
#include "app/run_check.h"
#include "app/run_config.h"
#include "app/run_plan.h"

namespace pro380::app {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

Result<RunPlan> PlanOf(const std::string& toml) {
  auto config = ParseRunConfig(toml, "site.toml");
  if (!config.ok()) return config.status();
  return ResolveRunPlan(RunArgs{}, std::optional<RunConfig>(*config), nullptr, "/home/someone");
}

std::string ErrorOf(const std::string& text) {
  auto plan = PlanOf(text);
  EXPECT_FALSE(plan.ok()) << "expected an error for:\n" << text;
  if (plan.ok()) return "";
  EXPECT_EQ(plan.status().code(), Status::Code::kInvalidArgument);
  return plan.status().message();
}

// An mb fleet of `count` meters with `keys` (one per line).
std::string MbFleet(int count, const std::string& keys) {
  return "[[fleet]]\nvariant = \"mb\"\ncount = " + std::to_string(count) +
         "\nserial_start = \"50000001\"\n" + keys;
}

TEST(FleetMbusTest, ExpandsPrimaryAddressesPerBusOnTcpPortsAndLines) {
  auto plan = PlanOf(MbFleet(7,
                             "ids_per_port = 4\nid_start = 10\nmbus_tcp = \"127.0.0.1:16000\"\n"
                             "mbus = \"pty:/tmp/mb%d:2400\"\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->meters.size(), 7u);
  ASSERT_EQ(plan->fleet_ports.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    const InterfacePlan& bus = plan->fleet_ports[k];
    EXPECT_TRUE(bus.modbus_tcp.empty());
    EXPECT_TRUE(bus.modbus_rtu.empty());
    ASSERT_EQ(bus.mbus_tcp.size(), 1u);
    EXPECT_EQ(bus.mbus_tcp[0].port, 16000 + k);
    ASSERT_EQ(bus.mbus.size(), 1u);
    EXPECT_EQ(bus.mbus[0].device, "/tmp/mb" + std::to_string(k));
    EXPECT_EQ(bus.mbus[0].baud, 2400u);
  }
  // Meter j: serial 50000001 + j, primary address 10 + j % 4 on bus j / 4.
  for (int j = 0; j < 7; ++j) {
    const PlannedMeter& m = plan->meters[static_cast<std::size_t>(j)];
    EXPECT_EQ(m.options.variant, Variant::kMb) << j;
    EXPECT_EQ(m.options.serial, std::to_string(50000001 + j)) << j;
    EXPECT_EQ(m.options.id, 10 + j % 4) << j;
    EXPECT_EQ(m.fleet_port, static_cast<std::size_t>(j / 4)) << j;
  }
  // No [interfaces] M-Bus entry: the fleet's meters are on their own buses only.
  EXPECT_TRUE(plan->interfaces.mbus.empty());
  EXPECT_TRUE(plan->interfaces.mbus_tcp.empty());
}

TEST(FleetMbusTest, DefaultsAreAddresses1To250ABus) {
  auto config = ParseRunConfig(MbFleet(501, "mbus_tcp = \"127.0.0.1:0\"\n"), "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const FleetTemplate& fleet = config->fleets[0];
  EXPECT_EQ(fleet.id_start, 1);
  EXPECT_EQ(fleet.ids_per_port, 250);
  EXPECT_EQ(fleet.ports(), 3);
  EXPECT_EQ(fleet.Id(0), 1);
  EXPECT_EQ(fleet.Id(249), 250);
  EXPECT_EQ(fleet.Id(250), 1);
  EXPECT_EQ(fleet.Port(500), 2);
  EXPECT_FALSE(fleet.mbus_tcp->port);  // every bus any free port
}

TEST(FleetMbusTest, AnMbusLineWithoutTcpAndAnArrayOfLines) {
  auto plan =
      PlanOf(MbFleet(3, "ids_per_port = 2\nmbus = [\"/dev/ttyUSB0:300\", \"pty:/tmp/second\"]\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->fleet_ports.size(), 2u);
  EXPECT_TRUE(plan->fleet_ports[0].mbus_tcp.empty());
  EXPECT_EQ(plan->fleet_ports[0].mbus.at(0).device, "/dev/ttyUSB0");
  EXPECT_EQ(plan->fleet_ports[0].mbus.at(0).baud, 300u);
  EXPECT_TRUE(plan->fleet_ports[1].mbus.at(0).pty);
  EXPECT_FALSE(plan->fleet_ports[1].mbus.at(0).baud);  // the meters' own rate
}

TEST(FleetMbusTest, AddressesOutsideOneTo250ExitNamingTheKey) {
  const std::string tcp = "mbus_tcp = \"127.0.0.1:0\"\n";
  EXPECT_THAT(ErrorOf(MbFleet(10, "id_start = 0\n" + tcp)),
              HasSubstr("site.toml:5: fleet[1].id_start = 0 is not allowed; allowed values: "
                        "1..250 (M-Bus primary addresses; 0, a new meter's address, stays free "
                        "on a fleet's bus, and 251..255 are not primary addresses)"));
  for (const int address : {251, 253, 254, 255}) {
    EXPECT_THAT(ErrorOf(MbFleet(10, "id_start = " + std::to_string(address) + "\n" + tcp)),
                HasSubstr("fleet[1].id_start = " + std::to_string(address) +
                          " is not allowed; allowed values: 1..250"));
  }
  EXPECT_THAT(ErrorOf(MbFleet(300, "ids_per_port = 251\n" + tcp)),
              HasSubstr("fleet[1].ids_per_port = 251 is not allowed; allowed values: 1..250"));
  EXPECT_THAT(ErrorOf(MbFleet(10, "id_start = 200\nids_per_port = 60\n" + tcp)),
              HasSubstr("fleet[1].id_start + ids_per_port - 1 = 259 is not allowed; allowed "
                        "values: at most 250 (a bus's primary addresses are 200..259)"));
  // 250 meters on one bus is the most: the 251st goes to the next bus.
  auto full = PlanOf(MbFleet(251, tcp));
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(full->fleet_ports.size(), 2u);
  EXPECT_EQ(full->meters[250].fleet_port, 1u);
  EXPECT_EQ(full->meters[250].options.id, 1);
}

TEST(FleetMbusTest, BusKeysOfTheOtherVariantExitNamingTheKey) {
  EXPECT_THAT(ErrorOf(MbFleet(5, "modbus_tcp = \"127.0.0.1:0\"\n")),
              HasSubstr("site.toml:5: fleet[1].modbus_tcp is not a key of an mb fleet; allowed "
                        "keys: mbus_tcp, mbus"));
  EXPECT_THAT(ErrorOf(MbFleet(5, "mbus_tcp = \"127.0.0.1:0\"\nmodbus_rtu = \"pty:/tmp/x%d\"\n")),
              HasSubstr("fleet[1].modbus_rtu is not a key of an mb fleet"));
  EXPECT_THAT(ErrorOf("[[fleet]]\ncount = 5\nserial_start = \"50000001\"\n"
                      "mbus_tcp = \"127.0.0.1:0\"\n"),
              HasSubstr("site.toml:4: fleet[1].mbus_tcp is not a key of a mod fleet; allowed "
                        "keys: modbus_tcp, modbus_rtu"));
  EXPECT_THAT(ErrorOf(MbFleet(5, "")),
              HasSubstr("site.toml:1: fleet[1] needs mbus_tcp or mbus (\"ADDR:PORT\""));
}

TEST(FleetMbusTest, BadMbusLinesExitNamingTheKeyAndTheAllowedValues) {
  const std::string allowed =
      "allowed values: DEV[:BAUD] or pty:PATH[:BAUD], BAUD 300, 600, 1200, 2400, 4800, 9600, "
      "parity E or none given (M-Bus lines are 8E1)";
  EXPECT_THAT(
      ErrorOf(MbFleet(5, "mbus = \"pty:/tmp/m%d:9600:N\"\n")),
      AllOf(HasSubstr("fleet[1].mbus: the line on /tmp/m0 is not allowed; "), HasSubstr(allowed)));
  EXPECT_THAT(ErrorOf(MbFleet(5, "mbus = \"pty:/tmp/m%d:19200\"\n")),
              HasSubstr("fleet[1].mbus: the line on /tmp/m0 is not allowed"));
  EXPECT_THAT(ErrorOf(MbFleet(300, "mbus = \"pty:/tmp/one\"\n")),
              HasSubstr("fleet[1].mbus = \"pty:/tmp/one\" is not allowed; allowed values: one "
                        "line per bus (this fleet has 2)"));
  EXPECT_THAT(ErrorOf(MbFleet(5, "mbus_tcp = \"127.0.0.1:65535\"\nids_per_port = 2\n")),
              HasSubstr("fleet[1].mbus_tcp: the fleet needs 3 ports from 65535; allowed values: "
                        "a first port of at most 65533"));
}

TEST(FleetMbusTest, InterfacesMbusWithOnlyFleetMetersExits2) {
  // [interfaces] M-Bus entries serve the [[meter]] meters; a fleet's are on its own buses.
  EXPECT_THAT(ErrorOf(MbFleet(5, "mbus_tcp = \"127.0.0.1:0\"\n") +
                      "[interfaces]\nmbus_tcp = \"127.0.0.1:0\"\n"),
              HasSubstr("no meter of variant mb"));
  auto beside = PlanOf(MbFleet(5, "mbus_tcp = \"127.0.0.1:0\"\n") +
                       "[interfaces]\nmbus_tcp = \"127.0.0.1:0\"\n[[meter]]\nvariant = \"mb\"\n"
                       "serial = \"22091041\"\nid = 1\n");
  ASSERT_TRUE(beside.ok()) << beside.status().message();
  EXPECT_FALSE(beside->meters[0].fleet_port);
  EXPECT_EQ(beside->meters[0].options.id, 1);  // the same primary address as fleet meter 1
  EXPECT_EQ(beside->meters[1].options.id, 1);
}

TEST(FleetMbusTest, CheckNamesTheFleetsMbusBuses) {
  auto plan = PlanOf(MbFleet(3,
                             "ids_per_port = 2\nmbus_tcp = \"127.0.0.1:16000\"\n"
                             "mbus = \"pty:/tmp/mb%d\"\n"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const std::vector<std::string> lines = DescribeCheckedPlan(*plan);
  EXPECT_THAT(lines,
              ::testing::Contains(HasSubstr("meter serial 50000003: mb, primary address 1")));
  EXPECT_THAT(lines.back(), HasSubstr("fleet M-Bus TCP 127.0.0.1:16000, fleet M-Bus TCP "
                                      "127.0.0.1:16001, fleet M-Bus pty:/tmp/mb0, fleet M-Bus "
                                      "pty:/tmp/mb1"));
}

}  // namespace
}  // namespace pro380::app
