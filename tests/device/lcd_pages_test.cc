// The LCD pages (device/lcd_pages.h) and what each shows (FrontPanel::View): the page numbers of
// reference pro380-protocols.md §1.8, every quantity page's value, unit and symbols, the
// settings pages, the SET CT warning and decimal placement (docs/display.md).
#include "device/lcd_pages.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "device/front_panel.h"
#include "device/lcd_format.h"

namespace pro380::device {
namespace {

using metering::QuantityId;
using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1000);

// A meter whose every quantity has a distinct value with more places than the LCD shows.
PanelInputs DistinctInputs() {
  PanelInputs in;
  for (std::size_t i = 0; i < metering::kQuantityCount; ++i) {
    in.readings[static_cast<QuantityId>(i)] = 1000.0 * static_cast<double>(i) + 0.123456 * (i % 7);
  }
  in.readings[QuantityId::kTariff] = 1;
  in.readings[QuantityId::kCombinedCode] = 1;
  in.readings[QuantityId::kS0Rate] = 1000;
  in.readings[QuantityId::kCtRatio] = 0;
  in.settings.serial_number = 22091039;
  return in;
}

// The panel showing page `number`, reached with short presses of the right button.
LcdView ShowPage(FrontPanel& panel, const PanelInputs& in, int number, TimePoint& t) {
  for (int guard = 0; guard < 80 && panel.page() != number; ++guard) {
    panel.Press(Button::kRight, t, in);
    t += 100ms;
    panel.Release(Button::kRight, t, in);
    t += 100ms;
  }
  EXPECT_EQ(panel.page(), number);
  return panel.View(in, t);
}

TEST(LcdPagesTest, EnergyPageNumbersAreThoseOfTheReference) {
  // reference §1.8, "LCD page" column (S6), for the 0x6000 block.
  const std::vector<std::pair<int, std::string_view>> expected = {
      {2, "active_energy_kwh"},
      {3, "active_energy_t1_kwh"},
      {4, "active_energy_t2_kwh"},
      {5, "forward_active_energy_kwh"},
      {6, "forward_active_energy_t1_kwh"},
      {7, "forward_active_energy_t2_kwh"},
      {8, "reverse_active_energy_kwh"},
      {9, "reverse_active_energy_t1_kwh"},
      {10, "reverse_active_energy_t2_kwh"},
      {11, "active_energy_l1_kwh"},
      {12, "forward_active_energy_l1_kwh"},
      {13, "reverse_active_energy_l1_kwh"},
      {14, "active_energy_l2_kwh"},
      {15, "forward_active_energy_l2_kwh"},
      {16, "reverse_active_energy_l2_kwh"},
      {17, "active_energy_l3_kwh"},
      {18, "forward_active_energy_l3_kwh"},
      {19, "reverse_active_energy_l3_kwh"},
      {20, "reactive_energy_kvarh"},
      {21, "reactive_energy_t1_kvarh"},
      {22, "reactive_energy_t2_kvarh"},
      {23, "forward_reactive_energy_kvarh"},
      {24, "forward_reactive_energy_t1_kvarh"},
      {25, "forward_reactive_energy_t2_kvarh"},
      {26, "reverse_reactive_energy_kvarh"},
      {27, "reverse_reactive_energy_t1_kvarh"},
      {28, "reverse_reactive_energy_t2_kvarh"},
      {29, "reactive_energy_l1_kvarh"},
      {30, "forward_reactive_energy_l1_kvarh"},
      {31, "reverse_reactive_energy_l1_kvarh"},
      {32, "reactive_energy_l2_kvarh"},
      {33, "forward_reactive_energy_l2_kvarh"},
      {34, "reverse_reactive_energy_l2_kvarh"},
      {35, "reactive_energy_l3_kvarh"},
      {36, "forward_reactive_energy_l3_kvarh"},
      {37, "reverse_reactive_energy_l3_kvarh"},
      {38, "voltage_l1_v"},
      {39, "voltage_l2_v"},
      {40, "voltage_l3_v"},
      {41, "current_l1_a"},
      {42, "current_l2_a"},
      {43, "current_l3_a"},
      {44, "active_power_kw"},
      {45, "active_power_l1_kw"},
      {46, "active_power_l2_kw"},
      {47, "active_power_l3_kw"},
      {48, "apparent_power_kva"},
      {49, "apparent_power_l1_kva"},
      {50, "apparent_power_l2_kva"},
      {51, "apparent_power_l3_kva"},
      {52, "power_factor"},
      {53, "power_factor_l1"},
      {54, "power_factor_l2"},
      {55, "power_factor_l3"},
      {56, "frequency_hz"},
  };
  for (const auto& [number, name] : expected) {
    const LcdPage& page = PageInfo(number);
    EXPECT_EQ(page.kind, PageKind::kQuantity) << number;
    EXPECT_EQ(metering::QuantityInfo(page.quantity).name, name) << "P" << number;
  }
  EXPECT_EQ(PageInfo(1).kind, PageKind::kDirection);
  EXPECT_EQ(PageInfo(57).kind, PageKind::kDayCounter);
  EXPECT_EQ(PageInfo(58).kind, PageKind::kCtRatio);
  EXPECT_EQ(PageInfo(59).kind, PageKind::kS0Rate);
  EXPECT_EQ(PageInfo(60).kind, PageKind::kCombinedCode);
  EXPECT_EQ(PageInfo(61).kind, PageKind::kMeterId);
  EXPECT_EQ(PageInfo(62).kind, PageKind::kSerial);
  EXPECT_EQ(PageInfo(63).kind, PageKind::kScrollTime);
  EXPECT_EQ(PageInfo(64).kind, PageKind::kBaudRate);
  EXPECT_EQ(PageInfo(65).kind, PageKind::kBacklight);
  EXPECT_EQ(PageInfo(66).kind, PageKind::kDiagnostics);
}

TEST(LcdPagesTest, MarksComeFromTheQuantityNames) {
  const PageMarks t2_reverse = MarksOf(QuantityId::kReverseActiveEnergyT2Kwh);
  EXPECT_EQ(t2_reverse.tariff, 2);
  EXPECT_EQ(t2_reverse.phase, 0);
  EXPECT_TRUE(t2_reverse.reverse);
  EXPECT_FALSE(t2_reverse.forward);
  const PageMarks l3 = MarksOf(QuantityId::kForwardReactiveEnergyL3Kvarh);
  EXPECT_EQ(l3.phase, 3);
  EXPECT_EQ(l3.tariff, 0);
  EXPECT_TRUE(l3.forward);
  EXPECT_EQ(MarksOf(QuantityId::kPowerFactorL2).phase, 2);
  EXPECT_EQ(MarksOf(QuantityId::kVoltageL1V).phase, 1);
  EXPECT_EQ(MarksOf(QuantityId::kActivePowerKw).phase, 0);
}

// Every quantity page shows its quantity's value (energies truncated to completed hundredths,
// instantaneous values rounded to the device's resolution), its unit and its symbols.
TEST(LcdPagesTest, EveryQuantityPageShowsItsQuantity) {
  const PanelInputs in = DistinctInputs();
  TimePoint t = kT0;
  FrontPanel panel({}, t);
  for (int number = 2; number <= 57; ++number) {
    SCOPED_TRACE("P" + std::to_string(number));
    const LcdView view = ShowPage(panel, in, number, t);
    const LcdPage& page = PageInfo(number);
    const metering::Quantity& q = metering::QuantityInfo(page.quantity);
    const double value = in.readings[page.quantity];
    char expected[32];
    if (q.kind == metering::QuantityKind::kEnergy) {
      const double hundredths = std::floor(value * 100.0 + 1e-6);
      std::snprintf(expected, sizeof expected, "%9.2f", hundredths / 100.0);
    } else {
      std::snprintf(expected, sizeof expected, "%9.*f", page.decimals, value);
    }
    EXPECT_EQ(view.TopText(), expected);
    EXPECT_EQ(view.page, number);
    EXPECT_EQ(view.bottom.substr(0, 3), std::string(PageLabel(number).data()));
    EXPECT_EQ(view.bottom.size(), 8u);
    EXPECT_EQ(view.top.size(), 8u);
    EXPECT_EQ(view.kwh, q.unit == "kWh");
    EXPECT_EQ(view.kvarh, q.unit == "kvarh");
    EXPECT_EQ(view.kw, q.unit == "kW");
    EXPECT_EQ(view.kva, q.unit == "kVA");
    EXPECT_EQ(view.volt, q.unit == "V");
    EXPECT_EQ(view.amp, q.unit == "A");
    EXPECT_EQ(view.hz, q.unit == "Hz");
    EXPECT_EQ(view.cos_phi, q.unit.empty());
    const std::string name(q.name);
    EXPECT_EQ(view.l1, name.find("_l1") != std::string::npos);
    EXPECT_EQ(view.l2, name.find("_l2") != std::string::npos);
    EXPECT_EQ(view.l3, name.find("_l3") != std::string::npos);
    EXPECT_EQ(view.forward_arrow, name.starts_with("forward_"));
    EXPECT_EQ(view.reverse_arrow, name.starts_with("reverse_"));
    const std::string tariff = name.find("_t1_") != std::string::npos   ? "T1"
                               : name.find("_t2_") != std::string::npos ? "T2"
                                                                        : "  ";
    EXPECT_EQ(view.bottom.substr(6), tariff);
    EXPECT_TRUE(view.t1);  // the active tariff, whatever the page
    EXPECT_FALSE(view.t2);
  }
}

TEST(LcdPagesTest, DirectionPageShowsForwardOrReversePerPhase) {
  PanelInputs in = DistinctInputs();
  in.readings[QuantityId::kActivePowerL1Kw] = -0.5;  // manual §6.5's picture: L1 reverse
  in.readings[QuantityId::kActivePowerL2Kw] = 2;
  in.readings[QuantityId::kActivePowerL3Kw] = 0;
  const FrontPanel panel({}, kT0);
  const LcdView view = panel.View(in, kT0);
  EXPECT_EQ(view.page, 1);
  EXPECT_EQ(view.top, "RV FW FW");
  EXPECT_EQ(view.bottom, "P01     ");
  EXPECT_TRUE(view.l1 && view.l2 && view.l3);
}

TEST(LcdPagesTest, TariffSymbolFollowsTheActiveTariff) {
  PanelInputs in = DistinctInputs();
  in.readings[QuantityId::kTariff] = 2;
  const LcdView view = FrontPanel({}, kT0).View(in, kT0);
  EXPECT_FALSE(view.t1);
  EXPECT_TRUE(view.t2);
}

TEST(LcdPagesTest, SettingsPages) {
  PanelInputs in = DistinctInputs();
  in.ct_variant = true;
  in.ct_locked = true;
  in.readings[QuantityId::kCtRatio] = 1500;
  in.readings[QuantityId::kS0Rate] = 0.01;
  in.readings[QuantityId::kCombinedCode] = 10;
  in.readings[QuantityId::kDayCounterKwh] = 15056.17;
  in.settings.modbus_id = 7;
  in.settings.baud_rate = 2400;
  in.settings.lcd_cycle_time_s = 25;
  in.settings.backlight_mode = BacklightMode::kOff;
  in.diagnostics.phase_present = {true, false, true};
  TimePoint t = kT0;
  FrontPanel panel({}, t);
  LcdView v = ShowPage(panel, in, 57, t);
  EXPECT_EQ(v.TopText(), " 15056.17");
  EXPECT_TRUE(v.kwh);
  v = ShowPage(panel, in, 58, t);
  EXPECT_EQ(v.top, "    1500");
  EXPECT_EQ(v.bottom, "P58   CT");
  v = ShowPage(panel, in, 59, t);
  EXPECT_EQ(v.TopText(), "     0.01");
  v = ShowPage(panel, in, 60, t);
  EXPECT_EQ(v.top, "    C-10");
  v = ShowPage(panel, in, 61, t);
  EXPECT_EQ(v.top, "     007");
  v = ShowPage(panel, in, 62, t);
  EXPECT_EQ(v.top, "22091039");
  v = ShowPage(panel, in, 63, t);
  EXPECT_EQ(v.top, "rt    25");
  v = ShowPage(panel, in, 64, t);
  EXPECT_EQ(v.top, "    2400");
  v = ShowPage(panel, in, 65, t);
  EXPECT_EQ(v.top, "BL   off");
  EXPECT_FALSE(v.backlight_on);
  v = ShowPage(panel, in, 66, t);
  EXPECT_EQ(v.top, "S 11 101");  // §7.1: program, EEPROM, phases A B C
  in.settings.backlight_mode = BacklightMode::kButton;
  in.readings[QuantityId::kS0Rate] = 10000;
  v = ShowPage(panel, in, 59, t);
  EXPECT_EQ(v.TopText(), "   10000");
  v = ShowPage(panel, in, 65, t);
  EXPECT_EQ(v.top, "BL   btn");
}

TEST(LcdPagesTest, PagesDependOnTheVariant) {
  const PanelInputs direct = DistinctInputs();
  PanelInputs ct = direct;
  ct.ct_variant = true;
  ct.readings[QuantityId::kCtRatio] = 100;
  const FrontPanel mod({.has_bus = true}, kT0);
  const FrontPanel s({.has_bus = false}, kT0);
  const auto has = [](const std::vector<int>& pages, int n) {
    return std::find(pages.begin(), pages.end(), n) != pages.end();
  };
  EXPECT_EQ(mod.AvailablePages(direct).size(), 65u);  // all but the CT page
  EXPECT_FALSE(has(mod.AvailablePages(direct), 58));
  EXPECT_TRUE(has(mod.AvailablePages(ct), 58));
  EXPECT_FALSE(has(s.AvailablePages(direct), 61));  // PRO380-S: no bus, no ID, no baud
  EXPECT_FALSE(has(s.AvailablePages(direct), 64));
  EXPECT_TRUE(has(s.AvailablePages(direct), 62));
}

TEST(LcdPagesTest, UnsetCtMeterAlternatesSetCtAnd0005) {
  PanelInputs in = DistinctInputs();
  in.ct_variant = true;
  in.readings[QuantityId::kCtRatio] = 0;
  FrontPanel panel({}, kT0);
  panel.Advance(kT0, in);
  EXPECT_EQ(panel.mode(), PanelMode::kSetCtWarning);
  EXPECT_EQ(panel.View(in, kT0).top, "  SET CT");
  EXPECT_EQ(panel.View(in, kT0 + 999ms).top, "  SET CT");
  EXPECT_EQ(panel.View(in, kT0 + 1s).top, "    0005");
  EXPECT_EQ(panel.View(in, kT0 + 2s).top, "  SET CT");
  EXPECT_EQ(panel.View(in, kT0).page, 0);
  // Neither scrolling nor right/left presses leave the warning before a press starts the choice.
  panel.Advance(kT0 + 60s, in);
  EXPECT_EQ(panel.mode(), PanelMode::kSetCtWarning);
}

TEST(LcdFormatTest, EnergyDecimalsMoveRightPast999999_99) {
  EXPECT_EQ(FormatLcdNumber(999999.99, 2, LcdRounding::kTruncate).text, "99999999");
  EXPECT_EQ(FormatLcdNumber(999999.99, 2, LcdRounding::kTruncate).decimals, 2);
  const LcdNumber big = FormatLcdNumber(1234567.891, 2, LcdRounding::kTruncate);
  EXPECT_EQ(big.text, "12345678");
  EXPECT_EQ(big.decimals, 1);
  EXPECT_TRUE(big.points[6]);
  const LcdNumber bigger = FormatLcdNumber(12345678.9, 2, LcdRounding::kTruncate);
  EXPECT_EQ(bigger.text, "12345678");
  EXPECT_EQ(bigger.decimals, 0);
  EXPECT_EQ(bigger.points, (std::array<bool, 8>{}));
  // Past 8 digits the counter wraps: the low digits stay.
  EXPECT_EQ(FormatLcdNumber(123456789.5, 2, LcdRounding::kTruncate).text, "23456789");
}

TEST(LcdFormatTest, EnergiesShowOnlyCompletedHundredths) {
  EXPECT_EQ(FormatLcdNumber(0.299999, 2, LcdRounding::kTruncate).text, "     029");
  // 0.29 kWh from an integer register (290 000 000 µWh) is 0.29, not 0.28.
  EXPECT_EQ(FormatLcdNumber(290'000'000 * 1e-9, 2, LcdRounding::kTruncate).text, "     029");
  EXPECT_EQ(FormatLcdNumber(0.0, 2, LcdRounding::kTruncate).text, "     000");
}

TEST(LcdFormatTest, NegativeTotalsKeepTheSign) {
  // Manual §6.10: C-04 shows -12 for the example flow.
  const LcdNumber n = FormatLcdNumber(-12, 2, LcdRounding::kTruncate);
  EXPECT_EQ(n.text, "   -1200");
  EXPECT_TRUE(n.points[5]);
  EXPECT_EQ(FormatLcdNumber(-99999.99, 2, LcdRounding::kTruncate).text, "-9999999");
  EXPECT_EQ(FormatLcdNumber(-999999.99, 2, LcdRounding::kTruncate).decimals, 1);
  EXPECT_EQ(FormatLcdNumber(-0.001, 2, LcdRounding::kTruncate).text, "     000");  // no "-0.00"
}

TEST(LcdFormatTest, InstantaneousValuesRound) {
  EXPECT_EQ(FormatLcdNumber(229.96, 1, LcdRounding::kNearest).text, "    2300");
  EXPECT_EQ(FormatLcdNumber(-3.4567, 3, LcdRounding::kNearest).text, "   -3457");
  EXPECT_EQ(FormatLcdInteger(7, 3), "     007");
  EXPECT_EQ(FormatLcdInteger(22091039, 8), "22091039");
}

}  // namespace
}  // namespace pro380::device
