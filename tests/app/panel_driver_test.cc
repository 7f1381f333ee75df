// PanelDriver: the front panel of one meter in `pro380 run` — settings chosen with the buttons
// reach the meter and its DeviceSettings through the bus rules and are reported once each.
#include "app/panel_driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
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

// A panel nobody looks at is not advanced while nothing is due (PanelDriver::Advance skips it,
// FrontPanel::HasWork). These compare it, tick by tick, with a FrontPanel of the same meter that
// is advanced on every 100 ms tick as before, while buttons are pressed, menus time out, and the
// settings the panel reads (scroll time, scroll groups, the CT ratio) change behind its back
// like bus writes: what a viewer arriving at any tick would see must be the same.
void ExpectSameView(const device::LcdView& got, const device::LcdView& want, TimePoint t) {
  const auto at =
      " at " +
      std::to_string(
          std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count()) +
      " ms";
  EXPECT_EQ(got.top, want.top) << at;
  EXPECT_EQ(got.bottom, want.bottom) << at;
  EXPECT_EQ(got.page, want.page) << at;
  EXPECT_EQ(got.top_points, want.top_points) << at;
  EXPECT_EQ(got.blinking, want.blinking) << at;
  EXPECT_EQ(got.segments_on, want.segments_on) << at;
  EXPECT_EQ(got.backlight_on, want.backlight_on) << at;
}

void CompareWithAlwaysAdvancedPanel(metering::MeterConfig config, uint32_t seed) {
  metering::Meter meter(config);
  device::DeviceSettings settings;
  const device::FrontPanelOptions options{.scroll_speed = 3.0};
  TimePoint t = TimePoint{} + std::chrono::hours(1);
  PanelDriver driver(meter, settings, options, t, nullptr);
  device::FrontPanel always(options, t);
  always.Advance(t, device::PanelInputsOf(meter, settings));
  std::mt19937 random(seed);
  const auto chance = [&random](int per_mille) {
    return std::uniform_int_distribution<int>(0, 999)(random) < per_mille;
  };
  std::array<bool, 2> held{};
  for (int tick = 0; tick < 20'000; ++tick) {  // 2,000 s of panel time
    t += 100ms;
    if (chance(3)) settings.lcd_cycle_time_s = std::uniform_int_distribution<int>(1, 30)(random);
    if (chance(2)) {
      settings.lcd_scroll_groups = std::uniform_int_distribution<uint32_t>(0, 0xff)(random);
    }
    // A CT meter shows the SET CT warning untouched until a bus write sets the ratio; then the
    // buttons are used as on any meter.
    const bool untouched = config.ct_variant && tick < 3'000;
    if (config.ct_variant && tick == 3'000) {
      ASSERT_EQ(meter.SetCtRatio(100), metering::SettingOutcome::kApplied);
    }
    const int b = std::uniform_int_distribution<int>(0, 1)(random);
    const auto button = static_cast<Button>(b);
    if (!untouched && !held[b] && chance(held[1 - b] ? 30 : 4)) {
      always.Press(button, t, device::PanelInputsOf(meter, settings));
      driver.Press(button, t);  // applies what the panel chose; `always` sees it next
      held[b] = true;
    } else if (held[b] && chance(40)) {
      always.Release(button, t, device::PanelInputsOf(meter, settings));
      driver.Release(button, t);
      held[b] = false;
    } else {
      always.Advance(t, device::PanelInputsOf(meter, settings));
      driver.Advance(t);
    }
    ExpectSameView(driver.View(t), always.View(device::PanelInputsOf(meter, settings), t), t);
    ASSERT_EQ(driver.panel().mode(), always.mode()) << "tick " << tick;
    ASSERT_EQ(driver.panel().candidate(), always.candidate()) << "tick " << tick;
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(UnviewedPanelTest, ShowsWhatAPanelAdvancedOnEveryTickShows) {
  for (uint32_t seed = 1; seed <= 4; ++seed) CompareWithAlwaysAdvancedPanel({}, seed);
}

TEST(UnviewedPanelTest, CtMeterShowsWhatAPanelAdvancedOnEveryTickShows) {
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    CompareWithAlwaysAdvancedPanel({.ct_variant = true}, seed);
  }
}

// A viewer arriving after 95 s of automatic scrolling (10 s a page) sees the ninth scroll page
// after the power-on page, also though the panel was not advanced in between.
TEST_F(PanelDriverTest, AutoScrollPageIsRightWhenAViewerArrivesLate) {
  const std::vector<int> scroll =
      driver_.panel().ScrollPages(device::PanelInputsOf(meter_, settings_));
  ASSERT_GT(scroll.size(), 9u);
  const int first = driver_.View(t_).page;
  EXPECT_EQ(first, 1);  // the direction page (manual §6.5)
  const auto start = std::upper_bound(scroll.begin(), scroll.end(), first) - scroll.begin();
  Wait(95s);
  EXPECT_EQ(driver_.View(t_).page, scroll[(start + 8) % scroll.size()]);
}

}  // namespace
}  // namespace pro380::app
