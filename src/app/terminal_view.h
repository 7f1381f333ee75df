// The terminal view of `pro380 run` (docs/display.md, "Terminal view"): each meter's LCD as it
// is now and its key figures, redrawn in place on an ANSI terminal for users without a browser.
// On when stdout is a terminal (`--terminal auto`, the default) or with `--terminal on`; off,
// the run prints its one line per second as before, so logs and tests are unaffected.
#ifndef PRO380_APP_TERMINAL_VIEW_H_
#define PRO380_APP_TERMINAL_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "device/front_panel.h"
#include "metering/readings.h"

namespace pro380::app {

enum class TerminalMode { kAuto, kOn, kOff };

// "auto", "on", "off"; anything else is InvalidArgument naming --terminal and the values.
Result<TerminalMode> ParseTerminalMode(std::string_view text);

// Whether the view is drawn: kAuto draws when stdout is a terminal.
bool TerminalViewEnabled(TerminalMode mode, bool stdout_is_terminal);

struct TerminalMeter {
  std::string_view serial;
  device::LcdView lcd;
  device::LedView led_active;
  device::LedView led_reactive;
  const metering::Readings* readings = nullptr;
};

// The lines of one meter's block (no trailing newlines, no escape sequences): the LCD in a frame
// with its symbols, the LEDs and the key figures.
std::vector<std::string> TerminalBlock(const TerminalMeter& meter);

// Redraws `lines` over the `previous_count` lines drawn last time: cursor up, each line cleared
// and rewritten. Returns the text to write.
std::string RedrawInPlace(const std::vector<std::string>& lines, int previous_count);

}  // namespace pro380::app

#endif  // PRO380_APP_TERMINAL_VIEW_H_
