// WriteNamedSetting: a setting written by its name (REST, MQTT) through the register bank, with
// the bank's rules; kWritableSettingNames lists exactly the names it takes.
#include "device/named_setting_write.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "device/register_names.h"

namespace pro380::device {
namespace {

class NamedWriteTest : public ::testing::Test {
 protected:
  NamedWriteTest() : meter_(metering::MeterConfig{}), bank_(meter_, settings_) {
    bank_.set_change_sink([this](const SettingChange& c) {
      changes_.push_back(std::string(c.setting) + " " + std::string(c.context->interface));
    });
  }
  NamedWriteOutcome Write(std::string_view name, double value) {
    return WriteNamedSetting(bank_, name, value,
                             {.interface = "mqtt", .client = "t", .unit_id = 1});
  }

  metering::Meter meter_;
  DeviceSettings settings_;
  Pro380RegisterBank bank_;
  std::vector<std::string> changes_;
};

TEST_F(NamedWriteTest, AnAllowedValueIsWrittenThroughTheBanksChangeSink) {
  const NamedWriteOutcome outcome = Write("tariff", 2);
  EXPECT_EQ(outcome.result, NamedWriteResult::kWritten);
  EXPECT_EQ(outcome.written, 2);
  EXPECT_EQ(changes_, std::vector<std::string>{"tariff mqtt"});
}

TEST_F(NamedWriteTest, EachRefusalChangesNothing) {
  EXPECT_EQ(Write("no_such_setting", 1).result, NamedWriteResult::kNoSuchSetting);
  EXPECT_EQ(Write("tariff", 3).result, NamedWriteResult::kRefused);              // 1 or 2 only
  EXPECT_EQ(Write("modbus_id", 70000).result, NamedWriteResult::kNotEncodable);  // > 16 bits
  EXPECT_EQ(Write("modbus_id", 1.5).result, NamedWriteResult::kNotEncodable);    // not an integer
  bank_.set_sealed(true);
  EXPECT_EQ(Write("tariff", 2).result, NamedWriteResult::kSealed);
  EXPECT_TRUE(changes_.empty());
}

TEST(WritableSettingNamesTest, EveryListedNameIsWritable) {
  std::string_view rest = kWritableSettingNames;
  int names = 0;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(", ");
    const std::string_view name = rest.substr(0, comma);
    EXPECT_NE(FindWritableSetting(name), nullptr) << name;
    ++names;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 2);
  }
  EXPECT_EQ(names, 9);
}

}  // namespace
}  // namespace pro380::device
