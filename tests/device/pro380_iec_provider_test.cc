// Pro380IecProvider: the OBIS data set read off the meter (every quantity, the display's
// precision), the address, the password, and R1/W1 with the Modbus write rules.
#include "device/pro380_iec_provider.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "device/front_panel.h"

namespace pro380::device {
namespace {

using iec62056::CommandError;
using metering::QuantityId;

struct Change {
  std::string setting;
  double old_value;
  double new_value;
  std::string interface;
};

class IecProviderTest : public ::testing::Test {
 protected:
  IecProviderTest() : meter_(metering::MeterConfig{}), provider_(meter_, settings_, "PRO380-Mod") {
    settings_.serial_number = 22091039;
    provider_.set_change_sink([this](const SettingChange& c) {
      changes_.push_back(
          {std::string(c.setting), c.old_value, c.new_value, std::string(c.context->interface)});
    });
    // One hour of L1 +2.3 kW, L2 +1.15 kW, L3 -0.46 kW at 230 V.
    metering::Interval interval;
    interval.phase[0] = metering::PhaseFromPower(230, 2300, 100);
    interval.phase[1] = metering::PhaseFromPower(230, 1150, 0);
    interval.phase[2] = metering::PhaseFromPower(230, -460, 0);
    interval.duration = std::chrono::hours(1);
    meter_.ApplyRecord(interval);
  }

  std::map<std::string, std::string> Readout() const {
    std::map<std::string, std::string> out;
    for (const auto& set : provider_.Readout()) {
      out[set.address] = set.value + (set.unit.empty() ? "" : "*" + set.unit);
    }
    return out;
  }
  std::variant<std::monostate, CommandError> Write(std::string_view code, std::string_view v) {
    return provider_.Write(code, v, {"iec-test", "client"});
  }

  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380IecProvider provider_;
  std::vector<Change> changes_;
};

TEST_F(IecProviderTest, ReadoutShowsEveryQuantityOnceAtTheDisplayPrecision) {
  const auto sets = provider_.Readout();
  std::size_t quantities = 0;
  for (const IecEntry& e : kIecDataSet) quantities += e.shows_quantity() ? 1 : 0;
  EXPECT_EQ(quantities, metering::kQuantityCount);
  const auto r = Readout();
  EXPECT_EQ(r.at("0.0.0"), "22091039");
  EXPECT_EQ(r.at("C.1.0"), "22091039");
  EXPECT_EQ(r.at("32.7.0"), "230.0*V");
  EXPECT_EQ(r.at("31.7.0"), "10.01*A");  // S = sqrt(2300² + 100²) / 230
  EXPECT_EQ(r.at("1.8.0"), "000003.45*kWh");
  EXPECT_EQ(r.at("21.8.0"), "000002.30*kWh");
  EXPECT_EQ(r.at("2.8.0"), "000000.46*kWh");
  EXPECT_EQ(r.at("62.8.0"), "000000.46*kWh");
  EXPECT_EQ(r.at("128.8.0"), "000003.45*kWh");  // C-01: forward only
  EXPECT_EQ(r.at("61.7.0"), "-0.460*kW");
  EXPECT_EQ(r.at("14.7.0"), "50.00*Hz");
  EXPECT_EQ(r.at("138.0.1"), "1000");
  EXPECT_EQ(r.at("138.0.0"), "1");
  EXPECT_EQ(r.at("139.0.7"), "22091039");  // M-Bus secondary address follows the serial
  EXPECT_EQ(r.count("139.0.8"), 0u);       // the password is never shown
  // Every value agrees with the quantity table's reading.
  const metering::Readings readings = metering::Read(meter_);
  for (const IecEntry& e : kIecDataSet) {
    if (!e.shows_quantity()) continue;
    const std::string shown = r.at(std::string(e.code));
    EXPECT_NEAR(std::stod(shown), readings[e.quantity], 0.01) << e.code;
  }
}

TEST(IecProviderCtTest, ACtMeterWithoutItsRatioDoesNotCommunicate) {
  DeviceSettings settings;
  metering::MeterConfig config;
  config.ct_variant = true;
  metering::Meter meter(config);
  Pro380IecProvider provider(meter, settings, "PRO380-Mod");
  EXPECT_FALSE(provider.Communicating());
  ASSERT_EQ(meter.SetCtRatio(100), metering::SettingOutcome::kApplied);
  EXPECT_TRUE(provider.Communicating());
}

TEST_F(IecProviderTest, AddressIsTheSerialNumber) {
  EXPECT_TRUE(provider_.MatchesAddress("22091039"));
  EXPECT_TRUE(provider_.MatchesAddress("0022091039"));
  EXPECT_FALSE(provider_.MatchesAddress("22091038"));
  EXPECT_FALSE(provider_.MatchesAddress("2209103x"));
  settings_.serial_number = 1;
  EXPECT_TRUE(provider_.MatchesAddress("00000001"));
  EXPECT_TRUE(provider_.MatchesAddress("1"));
}

TEST_F(IecProviderTest, PasswordIsEightDigitsAndChangeable) {
  EXPECT_TRUE(provider_.CheckPassword("00000000"));
  EXPECT_FALSE(provider_.CheckPassword("0"));
  EXPECT_EQ(Write("139.0.8", "1234"),
            (std::variant<std::monostate, CommandError>(CommandError::kBadValue)));
  EXPECT_EQ(Write("139.0.8", "12345678").index(), 0u);
  EXPECT_TRUE(provider_.CheckPassword("12345678"));
  EXPECT_FALSE(provider_.CheckPassword("00000000"));
  EXPECT_EQ(std::get<CommandError>(provider_.Read("139.0.8")), CommandError::kNotReadable);
}

TEST_F(IecProviderTest, WritesFollowTheModbusRules) {
  EXPECT_EQ(Write("138.0.1", "100").index(), 0u);
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 100);
  EXPECT_EQ(std::get<CommandError>(Write("138.0.1", "123")), CommandError::kBadValue);
  EXPECT_EQ(Write("138.0.0", "5").index(), 0u);
  EXPECT_EQ(meter_.config().combined_code, metering::CombinedCode::kForwardPlusReverse);
  EXPECT_EQ(std::get<CommandError>(Write("138.0.0", "7")), CommandError::kBadValue);
  EXPECT_EQ(Write("138.0.0", "10").index(), 0u);
  EXPECT_EQ(std::get<CommandError>(Write("138.0.0", "1")), CommandError::kLocked);  // C-10 final
  EXPECT_EQ(std::get<CommandError>(Write("1.8.0", "0")), CommandError::kNotWritable);
  EXPECT_EQ(std::get<CommandError>(Write("9.9.9", "0")), CommandError::kUnknownAddress);
  EXPECT_EQ(std::get<CommandError>(Write("139.0.0", "248")), CommandError::kBadValue);
  EXPECT_EQ(Write("139.0.0", "17").index(), 0u);
  EXPECT_EQ(settings_.modbus_id, 17);
  EXPECT_EQ(Write("139.0.1", "2400").index(), 0u);
  EXPECT_EQ(Write("139.0.2", "2").index(), 0u);
  EXPECT_EQ(settings_.parity, Parity::kNone);
  EXPECT_EQ(Write("139.0.3", "25").index(), 0u);
  EXPECT_EQ(settings_.lcd_cycle_time_s, 25);
  EXPECT_EQ(Write("139.0.4", "5").index(), 0u);
  EXPECT_EQ(settings_.lcd_scroll_groups, 5u);
  EXPECT_EQ(Write("139.0.5", "2").index(), 0u);
  EXPECT_EQ(settings_.backlight_mode, BacklightMode::kOn);
  EXPECT_EQ(std::get<CommandError>(Write("139.0.5", "3")), CommandError::kBadValue);
  EXPECT_EQ(Write("139.0.6", "250").index(), 0u);
  EXPECT_EQ(settings_.mbus_primary_address, 250);
  EXPECT_EQ(Write("139.0.7", "12345678").index(), 0u);
  EXPECT_EQ(settings_.mbus_secondary_address, 12345678u);
  EXPECT_EQ(Write("96.14.0", "2").index(), 0u);
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT2);
  EXPECT_EQ(std::get<CommandError>(Write("136.8.0", "1")), CommandError::kBadValue);
  EXPECT_EQ(Write("136.8.0", "0").index(), 0u);
  EXPECT_EQ(meter_.day_counter_uwh(), 0);
  EXPECT_EQ(std::get<CommandError>(Write("139.0.0", "1x")), CommandError::kBadValue);
  ASSERT_EQ(changes_.size(), 13u);
  EXPECT_EQ(changes_[0].setting, "s0_rate");
  EXPECT_EQ(changes_[0].old_value, 1000);
  EXPECT_EQ(changes_[0].new_value, 100);
  EXPECT_EQ(changes_[0].interface, "iec-test");
}

// The LCD model reads the same meter and settings: its S0 and combined-code pages show an IR
// write at once, as does its backlight.
TEST_F(IecProviderTest, TheLcdShowsWhatTheOpticalPortWrote) {
  ASSERT_EQ(Write("138.0.1", "100").index(), 0u);
  ASSERT_EQ(Write("138.0.0", "5").index(), 0u);
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1000);
  FrontPanel panel(FrontPanelOptions{}, t0);
  TimePoint t = t0;
  std::map<int, std::string> tops;
  const PanelInputs inputs = PanelInputsOf(meter_, settings_);
  for (int press = 0; press < 80 && tops.size() < 66; ++press) {
    const LcdView view = panel.View(inputs, t);
    tops[view.page] = view.top;
    panel.Press(Button::kRight, t, inputs);
    t += std::chrono::milliseconds(100);
    panel.Release(Button::kRight, t, inputs);
    t += std::chrono::milliseconds(100);
  }
  ASSERT_EQ(tops.count(59), 1u);
  ASSERT_EQ(tops.count(60), 1u);
  EXPECT_EQ(tops[59], "     100");
  EXPECT_EQ(tops[60], "    C-05");
}

TEST_F(IecProviderTest, SealedMeterRefusesWrites) {
  provider_.set_sealed(true);
  EXPECT_EQ(std::get<CommandError>(Write("138.0.1", "100")), CommandError::kLocked);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(IecProviderTest, ReadOneDataSet) {
  const auto set = std::get<iec62056::DataSet>(provider_.Read("138.0.1"));
  EXPECT_EQ(iec62056::Format(set), "138.0.1(1000)");
  EXPECT_EQ(iec62056::Format(std::get<iec62056::DataSet>(provider_.Read("1.8.0"))),
            "1.8.0(000003.45*kWh)");
}

}  // namespace
}  // namespace pro380::device
