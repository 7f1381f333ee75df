// PRO380-S fleets (docs/config.md, "[[fleet]]"; app/fleet_template.h): a [[fleet]] with
// variant = "s" has no bus and no address; its meters are read over the web page and REST API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "app/fleet_plan.h"
#include "app/fleet_template.h"
#include "app/run_config.h"
#include "app/run_plan.h"

namespace pro380::app {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Result<RunPlan> PlanOf(const std::string& toml) {
  auto config = ParseRunConfig(toml, "site.toml");
  if (!config.ok()) return config.status();
  return ResolveRunPlan(RunArgs{}, std::optional<RunConfig>(*config), nullptr, "/home/someone");
}

constexpr std::string_view kSFleet = R"([[fleet]]
variant = "s"
count = 3
serial_start = "60000001"
seed_start = 7
)";

TEST(FleetSTest, MetersWithoutBusOrAddressBesideAMeter) {
  auto plan = PlanOf(std::string(kSFleet) + "[[meter]]\nserial = \"22091039\"\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->meters.size(), 4u);
  EXPECT_TRUE(plan->fleet_ports.empty());
  EXPECT_FALSE(plan->meters[0].in_fleet);  // the [[meter]] comes first
  for (std::size_t k = 1; k < 4; ++k) {
    const PlannedMeter& m = plan->meters[k];
    EXPECT_EQ(m.options.variant, Variant::kS);
    EXPECT_EQ(m.options.serial, std::to_string(60000000 + k));
    EXPECT_TRUE(m.in_fleet);
    EXPECT_FALSE(m.fleet_port);
    EXPECT_EQ(m.seed, 6u + k);
  }
  EXPECT_THAT(DescribeBuslessFleetMeters(plan->meters),
              ElementsAre("fleet: 3 PRO380-S, serials 60000001-60000003, no bus: on the web page "
                          "and REST API"));
}

TEST(FleetSTest, BusAndAddressKeysExitNamingTheKey) {
  for (const std::string key : {"modbus_tcp = \"127.0.0.1:0\"", "mbus_tcp = \"127.0.0.1:0\"",
                                "modbus_rtu = \"pty:/tmp/x%d\"", "mbus = \"pty:/tmp/x%d\"",
                                "id_start = 2", "ids_per_port = 10"}) {
    auto plan = PlanOf(std::string(kSFleet) + key + "\n");
    ASSERT_FALSE(plan.ok()) << key;
    EXPECT_THAT(plan.status().message(),
                HasSubstr("site.toml:6: fleet[1]." + key.substr(0, key.find(' ')) +
                          " is not a key of an s fleet: a PRO380-S has no bus and no address"))
        << key;
  }
}

TEST(FleetSTest, WebOffExitsNamingTheFleetAndWhy) {
  auto plan = PlanOf(
      "[interfaces]\nhttp = \"off\"\nmodbus_tcp = \"127.0.0.1:0\"\n"
      "[[fleet]]\ncount = 2\nserial_start = \"30000001\"\n"
      "modbus_tcp = \"127.0.0.1:0\"\n" +
      std::string(kSFleet));
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(),
              HasSubstr("fleet[2] is variant s: a PRO380-S has no bus, so its meters are read "
                        "over the web page and REST API only, which http = \"off\" turns off"));
}

TEST(FleetSTest, TwoSFleetsAreTwoStartLines) {
  auto plan = PlanOf(std::string(kSFleet) +
                     "[[fleet]]\nvariant = \"s\"\ncount = 2\nserial_start = \"70000001\"\n");
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_THAT(DescribeBuslessFleetMeters(plan->meters),
              ElementsAre(HasSubstr("3 PRO380-S, serials 60000001-60000003"),
                          HasSubstr("2 PRO380-S, serials 70000001-70000002")));
}

}  // namespace
}  // namespace pro380::app
