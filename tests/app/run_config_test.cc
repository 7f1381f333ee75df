#include "app/run_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "app/preset_keys.h"
#include "testing/source_dir.h"

namespace pro380::app {
namespace {

using metering::QuantityId;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// The message of the InvalidArgument that parsing `text` as "site.toml" gives.
std::string ErrorOf(std::string_view text) {
  auto config = ParseRunConfig(text, "site.toml");
  EXPECT_FALSE(config.ok()) << "expected an error for:\n" << text;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), Status::Code::kInvalidArgument);
  return config.status().message();
}

TEST(RunConfigTest, EmptyFileGivesOneDefaultMeter) {
  auto config = ParseRunConfig("", "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_FALSE(config->source || config->state_dir || config->speed || config->seed);
  ASSERT_EQ(config->meters.size(), 1u);
  EXPECT_EQ(config->meters[0].args.variant, "mod");
  EXPECT_TRUE(config->meters[0].given.empty());
  EXPECT_FALSE(config->meters[0].preset);
  EXPECT_FALSE(config->meters[0].sealed);
}

TEST(RunConfigTest, FullFile) {
  auto config = ParseRunConfig(R"(
[run]
source = "sim:household"
speed = 60
seed = 7
state = "/var/lib/pro380"
save_interval = "2s"
stop_after = "1h"
sealed = true

[[meter]]
variant = "mod"
serial = "22091039"
id = 3
ct = 100
combined_code = 10
s0_rate = 0.01
wiring = "3p3w"
tariff = 2
sealed = false

[[meter]]
variant = "mb"
serial = "22091040"
[meter.preset]
forward_active_energy_t1_kwh = 12345.67
reverse_reactive_energy_l3_kvarh = 2
day_counter_kwh = 0.5
power_down_count = 17
)",
                               "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->source, "sim:household");
  EXPECT_EQ(config->speed, 60.0);
  EXPECT_EQ(config->seed, 7u);
  EXPECT_EQ(config->state_dir, "/var/lib/pro380");
  EXPECT_EQ(config->save_interval, "2s");
  EXPECT_EQ(config->stop_after, "1h");
  ASSERT_EQ(config->meters.size(), 2u);

  const MeterEntry& first = config->meters[0];
  EXPECT_EQ(first.args.serial, "22091039");
  EXPECT_EQ(first.args.id, 3);
  EXPECT_EQ(first.args.ct, "100");
  EXPECT_EQ(first.args.combined_code, "10");
  EXPECT_EQ(first.args.s0_rate, "0.01");
  EXPECT_EQ(first.args.wiring, "3p3w");
  EXPECT_EQ(first.args.tariff, "2");
  EXPECT_THAT(first.given, ElementsAre("--variant", "--serial", "--id", "--ct", "--combined-code",
                                       "--s0-rate", "--wiring", "--tariff"));
  EXPECT_FALSE(first.sealed);  // its own key wins over [run].sealed
  EXPECT_TRUE(ValidateMeterArgs(first.args).ok());

  const MeterEntry& second = config->meters[1];
  EXPECT_THAT(second.given, ElementsAre("--variant", "--serial"));
  EXPECT_TRUE(second.sealed);  // from [run]
  ASSERT_TRUE(second.preset);
  EXPECT_THAT(second.preset->energies,
              ::testing::UnorderedElementsAre(Pair(QuantityId::kForwardActiveEnergyT1Kwh, 12345.67),
                                              Pair(QuantityId::kReverseReactiveEnergyL3Kvarh, 2.0),
                                              Pair(QuantityId::kDayCounterKwh, 0.5)));
  EXPECT_EQ(second.preset->power_down_count, 17);
}

TEST(RunConfigTest, S0RateAsIntegerAndSpeedAsFloat) {
  auto config = ParseRunConfig("[run]\nspeed = 0.5\n[[meter]]\ns0_rate = 2000\n", "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->speed, 0.5);
  EXPECT_EQ(config->meters[0].args.s0_rate, "2000");
}

TEST(RunConfigTest, SyntaxErrorNamesLineAndColumn) {
  const std::string message = ErrorOf("[run]\nspeed = 1\nsource = \n");
  EXPECT_THAT(message, HasSubstr("site.toml:3:"));
  EXPECT_THAT(message, HasSubstr("TOML syntax error"));
}

// toml++ asserts in debug builds that a table header starts with a key; the loader redefines that
// assertion so the parser's own error path answers (run_config.cc). The sanitizer build runs this.
TEST(RunConfigTest, TableHeaderWithoutAKeyIsASyntaxError) {
  EXPECT_THAT(ErrorOf("[=\n"), HasSubstr("site.toml:1:"));
  EXPECT_THAT(ErrorOf("[run]\n[.x]\n"), HasSubstr("site.toml:2:"));
}

TEST(RunConfigTest, AMessageQuotingAValueStaysOneLine) {
  const std::string message = ErrorOf("[run]\nsave_interval = \"0\\nx\"\n");
  EXPECT_THAT(message, HasSubstr("site.toml:2:"));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_THAT(message, HasSubstr("\\x0A"));
}

TEST(RunConfigTest, DuplicateKeyIsASyntaxError) {
  EXPECT_THAT(ErrorOf("[[meter]]\nid = 1\nid = 2\n"), HasSubstr("site.toml:3:"));
}

TEST(RunConfigTest, NotAllowedMeterValueNamesKeyLineAndAllowedValues) {
  EXPECT_EQ(ErrorOf("[[meter]]\nserial = \"00000001\"\n\n[[meter]]\nserial = \"00000002\"\n"
                    "combined_code = 7\n"),
            "site.toml:6: meter[2].combined_code = 7 is not allowed; allowed values: 1, 4, 5, 6, "
            "9, 10, 11");
  EXPECT_EQ(ErrorOf("[[meter]]\nvariant = \"x\"\n"),
            "site.toml:2: meter[1].variant = \"x\" is not allowed; allowed values: mod, mb, s");
  EXPECT_THAT(ErrorOf("[[meter]]\nct = 7\n"),
              HasSubstr("site.toml:2: meter[1].ct = 7 is not allowed"));
  EXPECT_THAT(ErrorOf("[[meter]]\nserial = \"123\"\n"),
              HasSubstr("site.toml:2: meter[1].serial = \"123\" is not allowed"));
  EXPECT_THAT(ErrorOf("[[meter]]\nvariant = \"mb\"\nid = 251\n"),
              HasSubstr("site.toml:3: meter[1].id = 251 is not allowed; allowed values: 0..250"));
  EXPECT_THAT(ErrorOf("[[meter]]\nid = 99999999999\n"),
              HasSubstr("meter[1].id = 99999999999 is not allowed; allowed values: 1..247"));
  EXPECT_THAT(ErrorOf("[[meter]]\ns0_rate = 3\n"),
              HasSubstr("site.toml:2: meter[1].s0_rate = 3 is not allowed; allowed values: "));
  EXPECT_THAT(ErrorOf("[[meter]]\nwiring = \"1p2w\"\n"),
              HasSubstr("meter[1].wiring = \"1p2w\" is not allowed; allowed values: 3p4w, 3p3w"));
  EXPECT_THAT(ErrorOf("[[meter]]\ntariff = 3\n"),
              HasSubstr("meter[1].tariff = 3 is not allowed; allowed values: 1, 2"));
}

TEST(RunConfigTest, WrongTypesAreNamed) {
  EXPECT_EQ(ErrorOf("[[meter]]\nid = \"1\"\n"), "site.toml:2: meter[1].id must be an integer");
  EXPECT_EQ(ErrorOf("[[meter]]\nserial = 22091039\n"),
            "site.toml:2: meter[1].serial must be a string");
  EXPECT_EQ(ErrorOf("[[meter]]\ns0_rate = \"1000\"\n"),
            "site.toml:2: meter[1].s0_rate must be a number");
  EXPECT_EQ(ErrorOf("[[meter]]\nsealed = 1\n"),
            "site.toml:2: meter[1].sealed must be true or false");
  EXPECT_EQ(ErrorOf("[run]\nspeed = \"fast\"\n"), "site.toml:2: run.speed must be a number");
  EXPECT_EQ(ErrorOf("[run]\nseed = 1.5\n"), "site.toml:2: run.seed must be an integer");
  EXPECT_EQ(ErrorOf("[run]\nsource = 1\n"), "site.toml:2: run.source must be a string");
  EXPECT_THAT(ErrorOf("run = 1\n"), HasSubstr("run must be a table"));
  EXPECT_THAT(ErrorOf("[meter]\nid = 1\n"), HasSubstr("meter must be an array of tables"));
  EXPECT_THAT(ErrorOf("meter = [1]\n"), HasSubstr("meter[1] must be a table"));
  EXPECT_THAT(ErrorOf("meter = []\n"), HasSubstr("at least one"));
  EXPECT_THAT(ErrorOf("[[meter]]\npreset = 1\n"), HasSubstr("meter[1].preset must be a table"));
}

TEST(RunConfigTest, RunValuesAreChecked) {
  EXPECT_EQ(ErrorOf("[run]\nspeed = 0\n"),
            "site.toml:2: run.speed = 0 is not allowed; allowed values: above 0, at most 1000000");
  EXPECT_THAT(ErrorOf("[run]\nspeed = 1e7\n"), HasSubstr("run.speed = 1e+07 is not allowed"));
  EXPECT_THAT(ErrorOf("[run]\nspeed = nan\n"), HasSubstr("run.speed = nan is not allowed"));
  EXPECT_THAT(ErrorOf("[run]\nseed = -1\n"),
              HasSubstr("site.toml:2: run.seed = -1 is not allowed"));
  EXPECT_THAT(ErrorOf("[run]\nsave_interval = \"soon\"\n"),
              HasSubstr("site.toml:2: run.save_interval = \"soon\": "));
  EXPECT_THAT(ErrorOf("[run]\nstop_after = \"5 parsecs\"\n"), HasSubstr("run.stop_after = "));
  EXPECT_THAT(ErrorOf("[run]\nstate = \"\"\n"), HasSubstr("run.state must not be empty"));
}

TEST(RunConfigTest, UnknownKeysAndTablesAreErrorsListingTheKnownKeys) {
  EXPECT_EQ(ErrorOf("[run]\nspeed = 1\nsped = 2\n"),
            "site.toml:3: run.sped is not a known key; known keys: source, speed, seed, state, "
            "save_interval, stop_after, sealed");
  EXPECT_EQ(ErrorOf("[[meter]]\ncombined-code = 1\n"),
            "site.toml:2: meter[1].combined-code is not a known key; known keys: variant, serial, "
            "id, ct, combined_code, s0_rate, wiring, tariff, identity, sealed, preset");
  EXPECT_EQ(ErrorOf("\n[interface]\nmodbus_tcp = \"127.0.0.1:1502\"\n"),
            "site.toml:2: interface is not a known key; known keys: run, interfaces, meter, fleet, "
            "mqtt, mqtt_publish");
  EXPECT_EQ(ErrorOf("[interfaces]\nmodbus = \"127.0.0.1:1502\"\n"),
            "site.toml:2: interfaces.modbus is not a known key; known keys: modbus_tcp, "
            "modbus_rtu, rtu_over_tcp, mbus, mbus_tcp, iec, iec_tcp, http, http_token, "
            "response_delay, "
            "tcp_any_unit_id");
  EXPECT_THAT(ErrorOf("[run.extra]\n"), HasSubstr("run.extra is not a known key"));
  EXPECT_THAT(ErrorOf("\"a b\" = 1\n"), HasSubstr("\"a b\" is not a known key"));
}

TEST(RunConfigTest, PresetKeysComeFromTheQuantityTable) {
  EXPECT_EQ(
      PresetKeyList(),
      "forward_active_energy_{t1,t2,l1,l2,l3}_kwh, reverse_active_energy_{t1,t2,l1,l2,l3}_kwh, "
      "forward_reactive_energy_{t1,t2,l1,l2,l3}_kvarh, "
      "reverse_reactive_energy_{t1,t2,l1,l2,l3}_kvarh, day_counter_kwh, power_down_count");
  EXPECT_EQ(PresetEnergyFromKey("forward_reactive_energy_t2_kvarh"),
            QuantityId::kForwardReactiveEnergyT2Kvarh);
  EXPECT_EQ(PresetEnergyFromKey("reverse_active_energy_l1_kwh"),
            QuantityId::kReverseActiveEnergyL1Kwh);
  EXPECT_EQ(PresetEnergyFromKey("forward_active_energy_kwh"), std::nullopt);  // a derived total
  EXPECT_EQ(PresetEnergyFromKey("active_energy_t1_kwh"), std::nullopt);       // combined code
  EXPECT_EQ(PresetEnergyFromKey("voltage_l1_v"), std::nullopt);
}

TEST(RunConfigTest, PresetErrors) {
  EXPECT_EQ(ErrorOf("[[meter]]\n[meter.preset]\nforward_active_energy_kwh = 1\n"),
            "site.toml:3: meter[1].preset.forward_active_energy_kwh is not a known key; known "
            "keys: " +
                std::string(PresetKeyList()));
  EXPECT_EQ(ErrorOf("[[meter]]\n[meter.preset]\nday_counter_kwh = -1\n"),
            "site.toml:3: meter[1].preset.day_counter_kwh = -1 is not allowed; allowed values: 0 "
            "to 99999999.99 (the 8-digit register range)");
  EXPECT_THAT(ErrorOf("[[meter]]\n[meter.preset]\nforward_active_energy_l1_kwh = 100000000\n"),
              HasSubstr("meter[1].preset.forward_active_energy_l1_kwh = 100000000 is not allowed"));
  EXPECT_THAT(ErrorOf("[[meter]]\n[meter.preset]\nforward_active_energy_l1_kwh = inf\n"),
              HasSubstr("= inf is not allowed"));
  EXPECT_THAT(ErrorOf("[[meter]]\n[meter.preset]\nforward_active_energy_l1_kwh = \"1\"\n"),
              HasSubstr("meter[1].preset.forward_active_energy_l1_kwh must be a number"));
  EXPECT_THAT(ErrorOf("[[meter]]\n[meter.preset]\npower_down_count = 1.5\n"),
              HasSubstr("meter[1].preset.power_down_count must be an integer"));
  EXPECT_THAT(ErrorOf("[[meter]]\n[meter.preset]\npower_down_count = 32768\n"),
              HasSubstr("power_down_count = 32768 is not allowed; allowed values: 0..32767"));
  auto top = ParseRunConfig(
      "[[meter]]\n[meter.preset]\nforward_active_energy_t1_kwh = 99999999.99\n"
      "power_down_count = 32767\n",
      "site.toml");
  ASSERT_TRUE(top.ok()) << top.status().message();
}

TEST(RunConfigTest, SerialsAreUnique) {
  EXPECT_EQ(ErrorOf("[[meter]]\nserial = \"00000005\"\n[[meter]]\nid = 2\n"
                    "serial = \"00000005\"\n"),
            "site.toml:5: meter[2].serial (line 5) repeats serial \"00000005\" of meter[1].serial "
            "(line 2); every meter needs its own serial");
  // Two meters that leave the serial at its default share it.
  EXPECT_THAT(ErrorOf("[[meter]]\n[[meter]]\nid = 2\n"),
              HasSubstr("site.toml:2: meter[2] (line 2, by default) repeats serial \"00000001\" "
                        "of meter[1] (line 1, by default)"));
}

TEST(RunConfigTest, IdsAreUniquePerBusVariant) {
  EXPECT_EQ(ErrorOf("[[meter]]\nserial = \"00000001\"\nid = 4\n"
                    "[[meter]]\nserial = \"00000002\"\nid = 4\n"),
            "site.toml:6: meter[2].id (line 6) repeats id 4 of meter[1].id (line 3); meters of "
            "the same variant (mod) share a bus and need distinct ids");
  // The default ids of two M-Bus meters collide too.
  EXPECT_THAT(ErrorOf("[[meter]]\nvariant = \"mb\"\nserial = \"00000001\"\n"
                      "[[meter]]\nvariant = \"mb\"\nserial = \"00000002\"\n"),
              HasSubstr("repeats id 0 of meter[1] (line 1, by default)"));
  // Different variants (different buses), and PRO380-S meters (no bus), may share an id.
  auto config = ParseRunConfig(
      "[[meter]]\nserial = \"00000001\"\nid = 1\n"
      "[[meter]]\nvariant = \"mb\"\nserial = \"00000002\"\nid = 1\n"
      "[[meter]]\nvariant = \"s\"\nserial = \"00000003\"\n"
      "[[meter]]\nvariant = \"s\"\nserial = \"00000004\"\n",
      "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->meters.size(), 4u);
}

TEST(RunConfigTest, ControlCharactersInMessagesAreEscaped) {
  const std::string message = ErrorOf("[[meter]]\nvariant = \"a\\nb\"\n");
  EXPECT_THAT(message, HasSubstr("meter[1].variant = \"a\\x0Ab\" is not allowed"));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(RunConfigTest, LoadReadsTheFileAndNamesItInMessages) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "run_config_test.toml";
  {
    std::ofstream out(path);
    out << "[run]\nspeed = 2\n\n[[meter]]\ntariff = 5\n";
  }
  auto config = LoadRunConfig(path.string());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            path.string() + ":5: meter[1].tariff = 5 is not allowed; allowed values: 1, 2");
  std::filesystem::remove(path);
}

// The complete example of docs/config.md is a valid file.
TEST(RunConfigTest, DocumentedExampleParses) {
  std::ifstream in(pro380::testing::SourceDir() / "docs" / "config.md");
  ASSERT_TRUE(in.is_open()) << pro380::testing::SourceDir();
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t begin = doc.find("```toml\n");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = doc.find("```", begin + 8);
  auto config =
      ParseRunConfig(std::string_view(doc).substr(begin + 8, end - begin - 8), "config.md");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_EQ(config->meters.size(), 3u);
  EXPECT_TRUE(config->meters[1].sealed);
  ASSERT_TRUE(config->meters[1].preset);
  EXPECT_EQ(config->meters[1].preset->energies.size(), 4u);
}

TEST(RunConfigTest, UnreadableFileIsAnIoError) {
  auto missing = LoadRunConfig("/nonexistent/site.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kIoError);
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/site.toml"));
  auto directory = LoadRunConfig(::testing::TempDir());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), Status::Code::kIoError);
}

}  // namespace
}  // namespace pro380::app

namespace pro380::app {
namespace {

TEST(RunConfigTest, InterfacesTakeOneEndpointOrAList) {
  const auto config = ParseRunConfig(
      "[interfaces]\nmodbus_tcp = [\"127.0.0.1:1502\", \"[::1]:1502\"]\n"
      "modbus_rtu = \"pty:/tmp/meter:9600:N\"\nrtu_over_tcp = \"127.0.0.1:1503\"\n"
      "http = \"off\"\nresponse_delay = \"20ms\"\ntcp_any_unit_id = true\n",
      "site.toml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const InterfaceArgs& i = config->interfaces;
  EXPECT_EQ(i.modbus_tcp, (std::vector<std::string>{"127.0.0.1:1502", "[::1]:1502"}));
  EXPECT_EQ(i.modbus_rtu, (std::vector<std::string>{"pty:/tmp/meter:9600:N"}));
  EXPECT_EQ(i.rtu_over_tcp, (std::vector<std::string>{"127.0.0.1:1503"}));
  EXPECT_EQ(i.http, "off");
  EXPECT_EQ(i.response_delay, "20ms");
  EXPECT_EQ(i.tcp_any_unit_id, true);
}

TEST(RunConfigTest, ABadInterfaceNamesItsLineKeyAndForm) {
  EXPECT_THAT(ErrorOf("[interfaces]\nmodbus_tcp = [\"127.0.0.1:1502\",\n  \"1502\"]\n"),
              AllOf(HasSubstr("site.toml:3: interfaces.modbus_tcp: '1502': no port"),
                    HasSubstr("ADDR:PORT")));
  EXPECT_THAT(ErrorOf("[interfaces]\nmodbus_rtu = \"/dev/ttyUSB0:9601\"\n"),
              AllOf(HasSubstr("site.toml:2: interfaces.modbus_rtu"),
                    HasSubstr("'9601' is not a baud rate"), HasSubstr("PARITY E, N or O")));
  EXPECT_THAT(ErrorOf("[interfaces]\nhttp = \"on\"\n"),
              AllOf(HasSubstr("site.toml:2: interfaces.http"), HasSubstr("or off")));
  EXPECT_THAT(ErrorOf("[interfaces]\nresponse_delay = 5\n"),
              HasSubstr("site.toml:2: interfaces.response_delay must be a string"));
  EXPECT_THAT(ErrorOf("[interfaces]\nmodbus_tcp = 1502\n"),
              HasSubstr("interfaces.modbus_tcp must be a string or strings"));
  EXPECT_THAT(ErrorOf("interfaces = 1\n"), HasSubstr("interfaces must be a table"));
}

}  // namespace
}  // namespace pro380::app
