// FrontPanel's buttons, menus and timers on a fake clock (manual §6.6–§6.8, appendix 3):
// scrolling, every menu path including abandoned ones, the CT lock, the backlight and the LEDs.
#include "device/front_panel.h"

#include <gtest/gtest.h>

#include "device/panel_changes.h"
#include "metering/readings.h"

namespace pro380::device {
namespace {

using metering::QuantityId;
using namespace std::chrono_literals;
using Kind = PanelChange::Kind;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

class PanelTest : public ::testing::Test {
 protected:
  explicit PanelTest(FrontPanelOptions options = {}) : panel_(options, kT0) {
    in_.readings[QuantityId::kTariff] = 1;
    in_.readings[QuantityId::kCombinedCode] = 1;
    in_.readings[QuantityId::kS0Rate] = 1000;
  }

  // Moves the fake clock and runs the timers; collects every change.
  void Wait(Duration d) {
    t_ += d;
    Collect(panel_.Advance(t_, in_));
  }
  void Press(Button b) { Collect(panel_.Press(b, t_, in_)); }
  void Release(Button b) { Collect(panel_.Release(b, t_, in_)); }
  // Press, hold for `d` (timers running every 100 ms), release.
  void Hold(Button b, Duration d) {
    Press(b);
    Tick(d);
    Release(b);
  }
  void Click(Button b) { Hold(b, 100ms); }
  void HoldBoth(Duration d) {
    Press(Button::kLeft);
    t_ += 20ms;
    Press(Button::kRight);
    Tick(d);
    Release(Button::kLeft);
    t_ += 20ms;
    Release(Button::kRight);
  }
  void Tick(Duration d) {
    const TimePoint end = t_ + d;
    while (t_ + 100ms <= end) Wait(100ms);
    if (t_ < end) Wait(end - t_);
  }
  void GoTo(int page) {
    for (int guard = 0; guard < 80 && panel_.page() != page; ++guard) Click(Button::kRight);
    ASSERT_EQ(panel_.page(), page);
  }
  void Collect(const std::vector<PanelChange>& changes) {
    changes_.insert(changes_.end(), changes.begin(), changes.end());
  }
  LcdView View() const { return panel_.View(in_, t_); }

  FrontPanel panel_;
  PanelInputs in_;
  TimePoint t_ = kT0;
  std::vector<PanelChange> changes_;
};

// --- scrolling -------------------------------------------------------------------------------

TEST_F(PanelTest, PowerOnShowsTheDirectionPageThenScrollsEveryRtSeconds) {
  EXPECT_EQ(panel_.page(), 1);
  EXPECT_EQ(panel_.mode(), PanelMode::kScrolling);
  const std::vector<int> scroll = panel_.ScrollPages(in_);
  ASSERT_GE(scroll.size(), 3u);
  EXPECT_EQ(scroll[0], 1);
  Wait(9'999ms);
  EXPECT_EQ(panel_.page(), 1);  // manual §6.6.1: every 10 seconds (rt 10, the default)
  Wait(1ms);
  EXPECT_EQ(panel_.page(), scroll[1]);
  Wait(10s);
  EXPECT_EQ(panel_.page(), scroll[2]);
}

TEST_F(PanelTest, ScrollTimeAndSelectedGroupsDecideWhatScrolls) {
  in_.settings.lcd_cycle_time_s = 3;
  in_.settings.lcd_scroll_groups = 1u << static_cast<int>(PageGroup::kPowerFactorFrequency);
  EXPECT_EQ(panel_.ScrollPages(in_), (std::vector<int>{52, 53, 54, 55, 56}));
  Wait(3s);
  EXPECT_EQ(panel_.page(), 52);
  Wait(3s * 4);
  EXPECT_EQ(panel_.page(), 56);
  Wait(3s);
  EXPECT_EQ(panel_.page(), 52);  // wraps
  // A late Advance catches up all the steps it missed.
  Wait(3s * 7);
  EXPECT_EQ(panel_.page(), 54);
}

TEST(PanelSpeedTest, ScrollingRunsAtTheMeterClockSpeed) {
  PanelInputs in;
  FrontPanel panel({.scroll_speed = 10}, kT0);
  panel.Advance(kT0 + 999ms, in);
  EXPECT_EQ(panel.page(), 1);
  panel.Advance(kT0 + 1s, in);  // rt 10 at --speed 10
  EXPECT_EQ(panel.page(), panel.ScrollPages(in)[1]);
}

TEST_F(PanelTest, ButtonsBrowseEveryPageOneByOne) {
  Click(Button::kRight);
  EXPECT_EQ(panel_.page(), 2);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  Click(Button::kLeft);
  Click(Button::kLeft);
  EXPECT_EQ(panel_.page(), 66);  // wraps to the last page
  // Browsing covers every page, also those that do not scroll, in order; a direct meter has
  // no CT page (P58).
  std::vector<int> seen;
  for (int i = 0; i < 65; ++i) {
    Click(Button::kRight);
    seen.push_back(panel_.page());
  }
  std::vector<int> expected;
  for (int n = 1; n <= 66; ++n) {
    if (n != 58) expected.push_back(n);
  }
  EXPECT_EQ(seen, expected);
}

TEST_F(PanelTest, PressingStopsScrollingAndItResumesAfterThirtySecondsUntouched) {
  Wait(5s);
  Press(Button::kRight);
  Wait(8s);  // the page does not scroll away while a button is held
  EXPECT_EQ(panel_.page(), 1);
  Release(Button::kRight);  // held 8 s: a long press without a function on P01
  EXPECT_EQ(panel_.page(), 1);
  Click(Button::kRight);
  EXPECT_EQ(panel_.page(), 2);
  Wait(kManualBrowseTime - 1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  Wait(1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kScrolling);
  Wait(10s);
  EXPECT_EQ(panel_.page(), 3);  // the next scrolling page after P02
}

// --- scroll time (manual §6.6.2) ---------------------------------------------------------------

TEST_F(PanelTest, ScrollTimeMenuHoldBlinkSelectCommitAfterTenSeconds) {
  GoTo(63);
  EXPECT_EQ(View().top, "rt    10");
  Hold(Button::kRight, 5s);
  EXPECT_EQ(panel_.mode(), PanelMode::kEditScrollTime);
  // "the backlight will blink twice OFF/ON"
  const TimePoint entered = t_;
  EXPECT_FALSE(panel_.View(in_, entered).backlight_on);
  EXPECT_TRUE(panel_.View(in_, entered + 250ms).backlight_on);
  EXPECT_FALSE(panel_.View(in_, entered + 500ms).backlight_on);
  EXPECT_TRUE(panel_.View(in_, entered + 750ms).backlight_on);
  EXPECT_TRUE(panel_.View(in_, entered + 1s).backlight_on);
  EXPECT_TRUE(panel_.View(in_, entered + 1s).segments_on);
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 12);
  const LcdView chosen = panel_.View(in_, entered + 2s);
  EXPECT_TRUE(chosen.blinking);
  EXPECT_EQ(chosen.top, "rt    12");
  EXPECT_EQ(panel_.View(in_, entered + 2500ms).top, "        ");  // the dark half of the blink
  Wait(kCommitDelay - 1ms);
  EXPECT_TRUE(changes_.empty());
  Wait(1ms);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetScrollTime, 12}}));
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
}

TEST_F(PanelTest, ScrollTimeMenuOpensWithEitherButtonAndWraps1To30) {
  GoTo(63);
  Hold(Button::kLeft, 5s);
  ASSERT_EQ(panel_.mode(), PanelMode::kEditScrollTime);
  for (int i = 0; i < 20; ++i) Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 30);
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 1);  // wraps past 30 to 1
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 30);
  Wait(kCommitDelay);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetScrollTime, 30}}));
}

TEST_F(PanelTest, HoldingLessThanFiveSecondsOnRtOnlyStepsThePage) {
  GoTo(63);
  Hold(Button::kRight, 4'900ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_EQ(panel_.page(), 64);
}

TEST_F(PanelTest, AbandonedScrollTimeMenuChangesNothing) {
  GoTo(63);
  Hold(Button::kRight, 5s);
  Wait(kCommitDelay);
  EXPECT_TRUE(changes_.empty());
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_EQ(panel_.page(), 63);
}

TEST_F(PanelTest, ScrollTimeIsNotCommittedWhileAButtonIsHeld) {
  GoTo(63);
  Hold(Button::kRight, 5s);
  Click(Button::kRight);
  Press(Button::kRight);
  Wait(20s);
  EXPECT_TRUE(changes_.empty());
  Release(Button::kRight);  // a long press in a menu does not step
  Wait(kCommitDelay);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetScrollTime, 11}}));
}

// --- backlight (manual §6.8.1) ----------------------------------------------------------------

TEST_F(PanelTest, BacklightMenuCyclesBtnOffOn) {
  GoTo(65);
  Hold(Button::kRight, 5s);
  ASSERT_EQ(panel_.mode(), PanelMode::kEditBacklight);
  EXPECT_EQ(View().top, "BL   btn");
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), static_cast<int>(BacklightMode::kOff));
  Click(Button::kRight);
  EXPECT_EQ(panel_.View(in_, t_ + 1ms).top, "BL    on");
  Click(Button::kRight);
  Click(Button::kLeft);
  Wait(kCommitDelay);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetBacklightMode, 2}}));
}

TEST_F(PanelTest, BacklightMenuNeedsTheRightButton) {
  GoTo(65);
  Hold(Button::kLeft, 5s);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  Wait(kCommitDelay);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(PanelTest, BacklightFollowsItsMode) {
  EXPECT_FALSE(View().backlight_on);  // btn: dark until a button is touched
  Press(Button::kRight);
  EXPECT_TRUE(View().backlight_on);
  Wait(1s);
  Release(Button::kRight);
  Wait(kBacklightButtonTime - 1ms);
  EXPECT_TRUE(View().backlight_on);
  Wait(1ms);
  EXPECT_FALSE(View().backlight_on);
  in_.settings.backlight_mode = BacklightMode::kOn;
  EXPECT_TRUE(View().backlight_on);
  in_.settings.backlight_mode = BacklightMode::kOff;
  Press(Button::kRight);
  EXPECT_FALSE(View().backlight_on);
}

// --- day counter (manual §6.8.3) --------------------------------------------------------------

TEST_F(PanelTest, DayCounterResetsAfterFiveSecondsOnKwh0) {
  GoTo(57);
  Press(Button::kRight);
  Tick(5s);
  EXPECT_TRUE(changes_.empty());  // "press ... for 5 seconds ... and release the button"
  Release(Button::kRight);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kResetDayCounter, 0}}));
  EXPECT_FALSE(panel_.View(in_, t_).backlight_on);  // blinks twice
  EXPECT_TRUE(panel_.View(in_, t_ + 250ms).backlight_on);
  EXPECT_EQ(panel_.page(), 57);
}

TEST_F(PanelTest, DayCounterIsNotResetByAShortHoldOrTheLeftButton) {
  GoTo(57);
  Hold(Button::kRight, 4'900ms);
  EXPECT_EQ(panel_.page(), 59);  // a short press steps on (no CT page on a direct meter)
  GoTo(57);
  Hold(Button::kLeft, 6s);
  EXPECT_TRUE(changes_.empty());
}

// --- meter ID (appendix 3) --------------------------------------------------------------------

TEST_F(PanelTest, MeterIdBothButtonsFiveSecondsSelectBothAgainToConfirm) {
  in_.settings.modbus_id = 1;
  GoTo(61);
  Press(Button::kLeft);
  Press(Button::kRight);
  const TimePoint both = t_;
  Tick(4'900ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  Tick(100ms);  // five seconds with both held: in, without waiting for a release
  EXPECT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  EXPECT_FALSE(panel_.View(in_, both + 5s).segments_on);  // LCD and backlight blink twice
  EXPECT_FALSE(panel_.View(in_, both + 5s).backlight_on);
  EXPECT_TRUE(panel_.View(in_, both + 5s + 250ms).segments_on);
  Release(Button::kLeft);
  Release(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 1);  // releasing the chord does not step
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kLeft);
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 3);
  EXPECT_EQ(panel_.View(in_, t_ + 1ms).top.substr(5), "003");
  HoldBoth(5s);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetMeterId, 3}}));
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_EQ(panel_.page(), 61);
}

TEST_F(PanelTest, MeterIdMenuAbandonedAfterTenSecondsUntouched) {
  GoTo(61);
  HoldBoth(5s);
  ASSERT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  Click(Button::kRight);
  Wait(9s);
  Click(Button::kRight);  // a touch restarts the ten seconds
  Wait(kMeterIdTimeout - 1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  Wait(1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_TRUE(changes_.empty());  // "no new meter ID was set"
}

TEST_F(PanelTest, BothButtonsElsewhereOrTooShortDoNothing) {
  GoTo(61);
  HoldBoth(4'900ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_EQ(panel_.page(), 61);  // a chord never steps pages
  GoTo(62);
  HoldBoth(6s);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  Wait(20s);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(PanelTest, MeterIdWrapsWithinTheModbusRange) {
  in_.settings.modbus_id = 247;
  GoTo(61);
  HoldBoth(5s);
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 1);
  Click(Button::kLeft);
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 246);
}

// --- meter ID and baud on a PRO380-Mb: the M-Bus settings (docs/display.md, "Variants") ------

class MbPanelTest : public PanelTest {
 protected:
  MbPanelTest() : PanelTest(FrontPanelOptions{.mbus = true}) {
    in_.settings.modbus_id = 9;             // present in every settings block; not the Mb's ID
    in_.settings.baud_rate = 2400;          // the Modbus line's, not shown on an Mb
    in_.settings.mbus_primary_address = 0;  // appendix 2: 0 after manufacture
    in_.settings.mbus_baud_rate = 300;
  }
};

TEST_F(MbPanelTest, MeterIdAndBaudPagesShowTheMbusSettings) {
  GoTo(61);
  EXPECT_EQ(View().top, "     000");
  EXPECT_EQ(View().bottom, "P61   ID");
  in_.settings.mbus_primary_address = 250;
  EXPECT_EQ(View().top, "     250");
  GoTo(64);
  EXPECT_EQ(View().top, "     300");
  EXPECT_EQ(View().bottom, "P64   bd");
}

TEST_F(PanelTest, ModMeterIdAndBaudPagesShowTheModbusSettings) {
  in_.settings.modbus_id = 9;
  in_.settings.baud_rate = 2400;
  in_.settings.mbus_primary_address = 77;
  in_.settings.mbus_baud_rate = 300;
  GoTo(61);
  EXPECT_EQ(View().top, "     009");
  GoTo(64);
  EXPECT_EQ(View().top, "    2400");
}

TEST_F(MbPanelTest, BothButtonsSetThePrimaryAddressWrapping0To250) {
  GoTo(61);
  HoldBoth(5s);
  ASSERT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  EXPECT_EQ(panel_.candidate(), 0);  // starts from the present address, not the Modbus ID
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 250);
  EXPECT_EQ(panel_.View(in_, t_ + 1ms).top, "     250");
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 0);  // 0 is an address on M-Bus (not a broadcast as on Modbus)
  Click(Button::kRight);
  Click(Button::kRight);
  EXPECT_EQ(panel_.candidate(), 2);
  HoldBoth(5s);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetMbusAddress, 2}}));
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
}

TEST_F(MbPanelTest, PrimaryAddressMenuAbandonedAfterTenSecondsUntouched) {
  in_.settings.mbus_primary_address = 17;
  GoTo(61);
  HoldBoth(5s);
  ASSERT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  EXPECT_EQ(panel_.candidate(), 17);
  Click(Button::kRight);
  Wait(kMeterIdTimeout - 1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kEditMeterId);
  Wait(1ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kBrowsing);
  EXPECT_TRUE(changes_.empty());
  EXPECT_EQ(View().top, "     017");
}

TEST_F(MbPanelTest, UnchangedAddressCommitsNothing) {
  in_.settings.mbus_primary_address = 5;
  GoTo(61);
  HoldBoth(5s);
  Click(Button::kRight);
  Click(Button::kLeft);
  HoldBoth(5s);
  EXPECT_TRUE(changes_.empty());
}

// --- CT ratio (manual §6.7) -------------------------------------------------------------------

class CtPanelTest : public PanelTest {
 protected:
  CtPanelTest() {
    in_.ct_variant = true;
    in_.readings[QuantityId::kCtRatio] = 0;
    panel_.Advance(t_, in_);
  }
};

TEST_F(CtPanelTest, RatioLocksFiveSecondsAfterTheLastPress) {
  ASSERT_EQ(panel_.mode(), PanelMode::kSetCtWarning);
  Click(Button::kRight);
  EXPECT_EQ(panel_.mode(), PanelMode::kCtSelecting);
  EXPECT_EQ(panel_.candidate(), 5);
  EXPECT_EQ(panel_.View(in_, t_).top, "    0005");
  Wait(2s);
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kRight);
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 50);
  // The last press began 100 ms ago (a click is 100 ms); it locks 5 s after that press.
  Wait(kCtLockDelay - 100ms - 1ms);
  EXPECT_TRUE(changes_.empty());
  Wait(1ms);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetCtRatio, 50}}));
}

TEST_F(CtPanelTest, LeftButtonStepsDownFromTheTopOfTheList) {
  Click(Button::kRight);
  Click(Button::kLeft);
  EXPECT_EQ(panel_.candidate(), 7500);
  Wait(kCtLockDelay);
  EXPECT_EQ(changes_, (std::vector<PanelChange>{{Kind::kSetCtRatio, 7500}}));
}

TEST_F(CtPanelTest, LockedRatioNeverChangesAgainAndTheMeterStarts) {
  metering::Meter meter(metering::MeterConfig{.ct_variant = true});
  DeviceSettings settings;
  ASSERT_FALSE(meter.registering());
  in_ = PanelInputsOf(meter, settings);
  Click(Button::kRight);
  Click(Button::kRight);
  Wait(kCtLockDelay);
  ASSERT_EQ(changes_.size(), 1u);
  auto applied = ApplyPanelChange(changes_[0], meter, settings);
  ASSERT_TRUE(applied.has_value());
  EXPECT_EQ(applied->setting, "ct_ratio");
  EXPECT_EQ(applied->new_value, 40);
  EXPECT_TRUE(meter.config().ct_locked);
  EXPECT_TRUE(meter.registering());
  // Never again: not through the panel, not through the meter (which every bus uses).
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetCtRatio, 100}, meter, settings).has_value());
  EXPECT_EQ(meter.SetCtRatio(100), metering::SettingOutcome::kLocked);
  EXPECT_EQ(meter.config().ct_ratio, 40);
  // The panel starts like after power-on, with the CT page showing the ratio.
  in_ = PanelInputsOf(meter, settings);
  Wait(100ms);
  EXPECT_EQ(panel_.mode(), PanelMode::kScrolling);
  EXPECT_EQ(panel_.page(), 1);
  GoTo(58);
  EXPECT_EQ(View().top, "      40");
  Hold(Button::kRight, 6s);  // no CT menu once set
  Wait(10s);
  EXPECT_EQ(changes_.size(), 1u);
}

TEST_F(CtPanelTest, NoSelectionWithoutAPress) {
  Wait(10min);
  EXPECT_EQ(panel_.mode(), PanelMode::kSetCtWarning);
  EXPECT_TRUE(changes_.empty());
}

// --- applying changes (the same rules as a bus write) ----------------------------------------

TEST(ApplyPanelChangeTest, AppliesWithTheBusRules) {
  metering::Meter meter(metering::MeterConfig{});
  DeviceSettings settings;
  auto id = ApplyPanelChange({Kind::kSetMeterId, 12}, meter, settings);
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(id->setting, "modbus_id");
  EXPECT_EQ(id->old_value, 1);
  EXPECT_EQ(settings.modbus_id, 12);
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetMeterId, 248}, meter, settings).has_value());
  auto rt = ApplyPanelChange({Kind::kSetScrollTime, 25}, meter, settings);
  ASSERT_TRUE(rt.has_value());
  EXPECT_EQ(rt->setting, "lcd_cycle_time_s");
  EXPECT_EQ(settings.lcd_cycle_time_s, 25);
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetScrollTime, 31}, meter, settings).has_value());
  auto bl = ApplyPanelChange({Kind::kSetBacklightMode, 2}, meter, settings);
  ASSERT_TRUE(bl.has_value());
  EXPECT_EQ(settings.backlight_mode, BacklightMode::kOn);
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetBacklightMode, 3}, meter, settings).has_value());
  // A direct meter has no CT ratio to set.
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetCtRatio, 100}, meter, settings).has_value());
}

TEST(ApplyPanelChangeTest, MbusAddressFollowsTheRuleOfAnMbusWrite) {
  metering::Meter meter(metering::MeterConfig{});
  DeviceSettings settings;
  settings.modbus_id = 9;
  auto address = ApplyPanelChange({Kind::kSetMbusAddress, 250}, meter, settings);
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->setting, "mbus_primary_address");
  EXPECT_EQ(address->old_value, 0);
  EXPECT_EQ(address->new_value, 250);
  EXPECT_EQ(settings.mbus_primary_address, 250);
  EXPECT_EQ(settings.modbus_id, 9);  // the Modbus ID is not the Mb's
  ASSERT_TRUE(ApplyPanelChange({Kind::kSetMbusAddress, 0}, meter, settings).has_value());
  EXPECT_EQ(settings.mbus_primary_address, 0);
  // 251..255 are M-Bus's special addresses (appendix 2), as an M-Bus write refuses them.
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetMbusAddress, 251}, meter, settings).has_value());
  EXPECT_FALSE(ApplyPanelChange({Kind::kSetMbusAddress, -1}, meter, settings).has_value());
  EXPECT_EQ(settings.mbus_primary_address, 0);
  EXPECT_FALSE(SetMbusPrimaryAddress(12.5, settings).has_value());
  EXPECT_FALSE(SetMbusBaudRate(19200, settings).has_value());
  auto baud = SetMbusBaudRate(300, settings);
  ASSERT_TRUE(baud.has_value());
  EXPECT_EQ(baud->setting, "mbus_baud_rate");
  EXPECT_EQ(settings.mbus_baud_rate, 300);
}

TEST(ApplyPanelChangeTest, DayCounterResetClearsTheRegister) {
  metering::Meter meter(metering::MeterConfig{});
  metering::Interval one_hour;
  for (auto& p : one_hour.phase) p = metering::PhaseFromPower(230, 1000, 0);
  one_hour.duration = std::chrono::hours(1);
  meter.Apply(one_hour);
  ASSERT_GT(meter.day_counter_uwh(), 0);
  DeviceSettings settings;
  auto reset = ApplyPanelChange({Kind::kResetDayCounter, 0}, meter, settings);
  ASSERT_TRUE(reset.has_value());
  EXPECT_EQ(reset->setting, "day_counter_kwh");
  EXPECT_NEAR(reset->old_value, 3.0, 1e-9);
  EXPECT_EQ(meter.day_counter_uwh(), 0);
}

// --- LEDs (manual §6.1, §6.4) -----------------------------------------------------------------

TEST(LedTest, LedsFlashAtTheirPulseRate) {
  metering::Meter meter(metering::MeterConfig{.start = kT0});
  metering::Interval interval;
  interval.phase[0] = metering::PhaseFromPower(230, 3600, 1800);
  interval.phase[1] = metering::PhaseFromPower(230, -3600, 0);
  interval.duration = 10s;
  meter.Apply(interval);
  const PanelInputs in = PanelInputsOf(meter, DeviceSettings{});
  const LedView active = LedAt(in, metering::EnergyKind::kActive, meter.now());
  // 7.2 kW of flow in either direction at 10 000 imp/kWh: 20 flashes a second, 200 in 10 s.
  EXPECT_NEAR(active.flashes_per_second, 20.0, 1e-9);
  EXPECT_EQ(active.pulses, 200);
  const LedView reactive = LedAt(in, metering::EnergyKind::kReactive, meter.now());
  EXPECT_NEAR(reactive.flashes_per_second, 5.0, 1e-9);
  EXPECT_EQ(reactive.pulses, 50);
  const TimePoint lit = meter.led(metering::EnergyKind::kActive).last_pulse_start();
  EXPECT_TRUE(LedAt(in, metering::EnergyKind::kActive, lit).on);
  EXPECT_FALSE(LedAt(in, metering::EnergyKind::kActive, lit - 1ns).on);
  EXPECT_FALSE(LedAt(in, metering::EnergyKind::kActive, lit + metering::kLedPulseWidth).on);
}

}  // namespace
}  // namespace pro380::device
