// PanelDriver: the front panel of one meter in `pro380 run` — settings chosen with the buttons
// reach the meter and its DeviceSettings through the bus rules and are reported once each.
#include "app/panel_driver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pro380::app {
namespace {

using device::Button;
using namespace std::chrono_literals;

struct Reported {
  std::string setting;
  double old_value;
  double new_value;
};

class PanelDriverTest : public ::testing::Test {
 protected:
  explicit PanelDriverTest(metering::MeterConfig config = {})
      : meter_(config), driver_(meter_, settings_, {}, t_, [this](const device::AppliedWrite& w) {
          reported_.push_back({std::string(w.setting), w.old_value, w.new_value});
        }) {}

  void Hold(Button b, Duration d) {
    driver_.Press(b, t_);
    for (Duration held{}; held < d; held += 100ms) driver_.Advance(t_ += 100ms);
    driver_.Release(b, t_);
  }
  void Click(Button b) { Hold(b, 100ms); }
  void Wait(Duration d) {
    for (Duration waited{}; waited < d; waited += 100ms) driver_.Advance(t_ += 100ms);
  }

  TimePoint t_ = TimePoint{} + std::chrono::hours(1);
  metering::Meter meter_;
  device::DeviceSettings settings_;
  std::vector<Reported> reported_;
  PanelDriver driver_;
};

TEST_F(PanelDriverTest, ScrollTimeChosenWithTheButtonsIsAppliedAndReported) {
  while (driver_.panel().page() != 63) Click(Button::kLeft);  // P63 is 4 pages back from P01
  EXPECT_EQ(driver_.View(t_).top, "rt    10");
  Hold(Button::kRight, 5s);
  for (int i = 0; i < 5; ++i) Click(Button::kRight);
  Wait(10s);
  EXPECT_EQ(settings_.lcd_cycle_time_s, 15);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].setting, "lcd_cycle_time_s");
  EXPECT_EQ(reported_[0].old_value, 10);
  EXPECT_EQ(reported_[0].new_value, 15);
  EXPECT_EQ(driver_.View(t_).top, "rt    15");  // the panel shows the meter's new setting
}

TEST_F(PanelDriverTest, BacklightModeIsKeptInTheDeviceSettings) {
  while (driver_.panel().page() != 65) Click(Button::kLeft);
  Hold(Button::kRight, 5s);
  Click(Button::kRight);
  Click(Button::kRight);
  Wait(10s);
  EXPECT_EQ(settings_.backlight_mode, device::BacklightMode::kOn);
  EXPECT_TRUE(driver_.View(t_ + 1h).backlight_on);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].setting, "backlight_mode");
}

class CtPanelDriverTest : public PanelDriverTest {
 protected:
  CtPanelDriverTest() : PanelDriverTest(metering::MeterConfig{.ct_variant = true}) {}
};

TEST_F(CtPanelDriverTest, TheCtRatioIsLockedAndTheMeterStartsRegistering) {
  EXPECT_EQ(driver_.View(t_).top, "  SET CT");
  EXPECT_FALSE(meter_.registering());
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kRight);
  Wait(5s);
  EXPECT_TRUE(meter_.registering());
  EXPECT_EQ(meter_.config().ct_ratio, 50);
  EXPECT_TRUE(meter_.config().ct_locked);
  ASSERT_EQ(reported_.size(), 1u);
  EXPECT_EQ(reported_[0].setting, "ct_ratio");
  EXPECT_EQ(driver_.View(t_).page, 1);  // the pages, from the direction page on
  EXPECT_EQ(driver_.refused_changes(), 0);
}

}  // namespace
}  // namespace pro380::app
