// The terminal view's text: the LCD block with its symbols and LEDs, the in-place redraw and the
// --terminal values.
#include "app/terminal_view.h"

#include <gtest/gtest.h>

namespace pro380::app {
namespace {

device::LcdView EnergyPage() {
  device::LcdView v;
  v.top = "   12345";
  v.top_points[5] = true;
  v.bottom = "P03   T1";
  v.page = 3;
  v.t1 = true;
  v.kwh = true;
  v.forward_arrow = true;
  v.backlight_on = true;
  return v;
}

TEST(TerminalView, BlockShowsTheLcdSymbolsAndLeds) {
  device::LedView active{.on = true, .flashes_per_second = 6.25, .pulses = 9};
  const auto lines = TerminalBlock({"00000001", EnergyPage(), active, {}, nullptr});
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "meter 00000001  backlight on ");
  EXPECT_EQ(lines[2], "  |    123.45 |  T1 -> kWh");
  EXPECT_EQ(lines[3], "  | P03   T1  |");
  EXPECT_EQ(lines[4], "  +-----------+  LED kWh *    6.25/s  LED kvarh o    0.00/s");
}

TEST(TerminalView, DarkSegmentsDrawNothing) {
  device::LcdView v = EnergyPage();
  v.segments_on = false;
  const auto lines = TerminalBlock({"1", v, {}, {}, nullptr});
  EXPECT_EQ(lines[2], "  |           |  ");
  EXPECT_EQ(lines[3], "  |           |");
}

TEST(TerminalView, KeyFiguresComeFromTheReadings) {
  metering::Readings r;
  r[metering::QuantityId::kVoltageL2V] = 231.5;
  r[metering::QuantityId::kForwardActiveEnergyKwh] = 12.345;
  const auto lines = TerminalBlock({"1", EnergyPage(), {}, {}, &r});
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_NE(lines[5].find("L2  231.5 V"), std::string::npos) << lines[5];
  EXPECT_NE(lines[6].find("import 12.35 kWh"), std::string::npos) << lines[6];
}

TEST(TerminalView, RedrawMovesUpAndClearsEachLine) {
  EXPECT_EQ(RedrawInPlace({"a", "b"}, 0), "\r\x1b[2Ka\n\r\x1b[2Kb\n");
  EXPECT_EQ(RedrawInPlace({"a"}, 2), "\x1b[2A\r\x1b[2Ka\n\r\x1b[2K\n\x1b[1A");
}

TEST(TerminalView, ModeValues) {
  EXPECT_EQ(*ParseTerminalMode("auto"), TerminalMode::kAuto);
  EXPECT_EQ(*ParseTerminalMode("on"), TerminalMode::kOn);
  EXPECT_EQ(*ParseTerminalMode("off"), TerminalMode::kOff);
  EXPECT_EQ(ParseTerminalMode("yes").status().message(),
            "--terminal 'yes': allowed values are auto, on, off");
  EXPECT_TRUE(TerminalViewEnabled(TerminalMode::kAuto, true));
  EXPECT_FALSE(TerminalViewEnabled(TerminalMode::kAuto, false));
  EXPECT_TRUE(TerminalViewEnabled(TerminalMode::kOn, false));
  EXPECT_FALSE(TerminalViewEnabled(TerminalMode::kOff, true));
}

}  // namespace
}  // namespace pro380::app
