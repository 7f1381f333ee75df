#include "app/terminal_view.h"

#include <cstdio>

namespace pro380::app {
namespace {

using metering::QuantityId;

std::string Symbols(const device::LcdView& v) {
  std::string s;
  const auto add = [&s](bool on, const char* text) {
    if (!on) return;
    if (!s.empty()) s += ' ';
    s += text;
  };
  add(v.t1, "T1");
  add(v.t2, "T2");
  add(v.l1, "L1");
  add(v.l2, "L2");
  add(v.l3, "L3");
  add(v.forward_arrow, "->");
  add(v.reverse_arrow, "<-");
  add(v.kwh, "kWh");
  add(v.kvarh, "kvarh");
  add(v.kw, "kW");
  add(v.kva, "kVA");
  add(v.volt, "V");
  add(v.amp, "A");
  add(v.hz, "Hz");
  add(v.cos_phi, "cos phi");
  return s;
}

std::string Format(const char* format, double a, double b = 0, double c = 0, double d = 0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, format, a, b, c, d);
  return buffer;
}

}  // namespace

Result<TerminalMode> ParseTerminalMode(std::string_view text) {
  if (text == "auto") return TerminalMode::kAuto;
  if (text == "on") return TerminalMode::kOn;
  if (text == "off") return TerminalMode::kOff;
  return Status::InvalidArgument("--terminal '" + std::string(text) +
                                 "': allowed values are auto, on, off");
}

bool TerminalViewEnabled(TerminalMode mode, bool stdout_is_terminal) {
  return mode == TerminalMode::kOn || (mode == TerminalMode::kAuto && stdout_is_terminal);
}

std::vector<std::string> TerminalBlock(const TerminalMeter& meter) {
  const device::LcdView& lcd = meter.lcd;
  // The top row with its decimal points; nine characters wide when a point is lit.
  std::string top = lcd.segments_on ? lcd.TopText() : std::string(device::kLcdWidth, ' ');
  if (top.size() < device::kLcdWidth + 1) top.insert(0, device::kLcdWidth + 1 - top.size(), ' ');
  const std::string bottom = lcd.segments_on ? lcd.bottom : std::string(device::kLcdWidth, ' ');
  std::vector<std::string> lines;
  lines.push_back("meter " + std::string(meter.serial) + "  backlight " +
                  (lcd.backlight_on ? "on " : "off") + (lcd.blinking ? "  (setting)" : ""));
  lines.push_back("  +-----------+");
  lines.push_back("  | " + top + " |  " + (lcd.segments_on ? Symbols(lcd) : ""));
  lines.push_back("  | " + bottom + "  |");
  lines.push_back("  +-----------+  LED kWh " + std::string(meter.led_active.on ? "*" : "o") +
                  Format(" %7.2f/s", meter.led_active.flashes_per_second) + "  LED kvarh " +
                  (meter.led_reactive.on ? "*" : "o") +
                  Format(" %7.2f/s", meter.led_reactive.flashes_per_second));
  if (meter.readings != nullptr) {
    const metering::Readings& r = *meter.readings;
    std::string phases = " ";
    for (int k = 0; k < metering::kPhaseCount; ++k) {
      const auto at = [k](QuantityId base) {
        return static_cast<QuantityId>(static_cast<int>(base) + k);
      };
      phases += Format(" L%.0f %6.1f V %7.2f A %7.3f kW", k + 1, r[at(QuantityId::kVoltageL1V)],
                       r[at(QuantityId::kCurrentL1A)], r[at(QuantityId::kActivePowerL1Kw)]);
    }
    lines.push_back(phases);
    lines.push_back(Format("  P %.3f kW  import %.2f kWh  export %.2f kWh  day %.2f kWh",
                           r[QuantityId::kActivePowerKw], r[QuantityId::kForwardActiveEnergyKwh],
                           r[QuantityId::kReverseActiveEnergyKwh], r[QuantityId::kDayCounterKwh]));
  }
  return lines;
}

std::string RedrawInPlace(const std::vector<std::string>& lines, int previous_count) {
  std::string out;
  if (previous_count > 0) out += "\x1b[" + std::to_string(previous_count) + "A";
  for (const std::string& line : lines) out += "\r\x1b[2K" + line + "\n";
  // Lines left over from a taller previous drawing are cleared.
  for (int i = static_cast<int>(lines.size()); i < previous_count; ++i) out += "\r\x1b[2K\n";
  if (previous_count > static_cast<int>(lines.size())) {
    out += "\x1b[" + std::to_string(previous_count - static_cast<int>(lines.size())) + "A";
  }
  return out;
}

}  // namespace pro380::app
