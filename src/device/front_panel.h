// FrontPanel: the PRO380's face — the two-row 8-character LCD, the two buttons with their menus,
// the backlight and the two test LEDs — as a sans-I/O state machine (docs/display.md).
//
// Contract (for the app, the web page and the terminal view):
// - One FrontPanel per meter. It holds only the panel's own state (page shown, menu, timers,
//   buttons held); everything it shows comes from a PanelInputs snapshot the caller passes in
//   (PanelInputsOf(meter, settings)), so it never holds a reference to a meter.
// - Time is passed in, never read. Panel time is the time a person at the meter lives in: button
//   holds, menu timeouts, blinking and the backlight run on it. The app passes a monotonic wall
//   time; only automatic scrolling runs `scroll_speed` times faster (product.md: `--speed`
//   speeds up display scrolling). Time points passed to one panel must not go backwards.
// - Press/Release/Advance first run every timer due up to `now` (Advance(now)), then handle the
//   button. Call Advance at least every 100 ms while anything is pending (next_deadline()).
// - Settings chosen with the buttons are not applied by the panel: each call returns the
//   PanelChanges it produced, and the app applies them with ApplyPanelChange
//   (device/panel_changes.h), the same rules as a bus write, then logs and saves them. The panel
//   shows what the next snapshot says, so a refused change simply does not appear.
// - View(inputs, now) is const and cheap: call it as often as a renderer wants.
// - LEDs: LedAt(inputs, kind, meter_time) tells whether a test-LED pulse is lit at a meter time
//   point and how often the LED flashes (10 000 imp/kWh of every phase's flow, manual §6.1).
//
// Buttons (manual §6.6–§6.8, appendix 3): a short press (released before 5 s) of the right
// button shows the next page, of the left button the previous one; in a menu right steps the
// value up and left steps it down. Holding 5 s and releasing opens a menu on rt (either button),
// BL (right) and resets the day counter on kWh 0 (right); both buttons held 5 s open (and later
// commit) the meter-ID menu on its page. Timings are the constants below.
//
// Thread safety: none; one thread owns a panel.
#ifndef PRO380_DEVICE_FRONT_PANEL_H_
#define PRO380_DEVICE_FRONT_PANEL_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"
#include "device/device_settings.h"
#include "device/lcd_pages.h"
#include "metering/meter.h"
#include "metering/readings.h"

namespace pro380::device {

enum class Button : uint8_t { kLeft = 0, kRight = 1 };

inline constexpr int kLcdWidth = 8;

// Timings of the manual (§6.6.2, §6.7.1, §6.8, appendix 3) and of pro380 where it is silent
// (docs/display.md, "Timings").
inline constexpr Duration kHoldTime = std::chrono::seconds(5);          // every "5 seconds"
inline constexpr Duration kCommitDelay = std::chrono::seconds(10);      // rt, BL: "wait 10 s"
inline constexpr Duration kMeterIdTimeout = std::chrono::seconds(10);   // "within 10 seconds"
inline constexpr Duration kCtLockDelay = std::chrono::seconds(5);       // §6.7.1
inline constexpr Duration kBlinkTwiceTime = std::chrono::seconds(1);    // OFF/ON twice, 250 ms each
inline constexpr Duration kEditBlinkPeriod = std::chrono::seconds(1);   // a value being chosen
inline constexpr Duration kSetCtAlternation = std::chrono::seconds(1);  // "SET CT" <-> "0005"
inline constexpr Duration kManualBrowseTime = std::chrono::seconds(30);  // then auto-scroll again
inline constexpr Duration kBacklightButtonTime = std::chrono::seconds(30);  // "bl btn" lit time

// Everything the panel shows, taken from one meter at one moment.
struct PanelInputs {
  metering::Readings readings;  // every quantity (energies, instantaneous, settings)
  metering::Diagnostics diagnostics;
  DeviceSettings settings;
  bool ct_variant = false;
  bool ct_locked = false;
  // Test LEDs (active, reactive): the latest pulse in meter time.
  struct Led {
    int64_t pulses = 0;
    TimePoint last_pulse_start{};
    Duration width{};
  };
  std::array<Led, metering::kEnergyKindCount> leds{};

  bool ct_unset() const { return ct_variant && readings[metering::QuantityId::kCtRatio] == 0; }
};

PanelInputs PanelInputsOf(const metering::Meter& meter, const DeviceSettings& settings);

struct LedView {
  bool on = false;                // a pulse is lit at the time asked
  double flashes_per_second = 0;  // 10 000 imp/kWh of Σ|P| (active) or Σ|Q| (reactive)
  int64_t pulses = 0;
  TimePoint meter_time{};        // the meter time asked
  TimePoint last_pulse_start{};  // when the latest pulse began (meter time; pulses > 0)
};
LedView LedAt(const PanelInputs& inputs, metering::EnergyKind kind, TimePoint meter_time);

// What the LCD shows at one instant: every segment group a renderer draws.
struct LcdView {
  // Top row: the value, exactly kLcdWidth characters, right-aligned: digits, space, '-', and
  // the manual's words ("SET CT", "rt    10", "BL   btn", "C-01", "S 11 111", "FW FW RV"). No
  // '.' in the text: top_points[i] is the decimal point after character i.
  std::string top;
  std::array<bool, kLcdWidth> top_points{};
  // Bottom row, exactly kLcdWidth characters: the page identifier left ("P02"; blank on the
  // SET CT warning) and a short label right: "T1"/"T2" for a T1/T2 register, "CT", "S0", "ID",
  // "bd" on the CT, S0, meter-ID and baud pages.
  std::string bottom;
  int page = 0;  // page number; 0 on the SET CT warning, 58 while a CT ratio is chosen

  // Symbols.
  bool t1 = false;  // active tariff (manual §6.3)
  bool t2 = false;
  bool kwh = false;
  bool kvarh = false;  // manual §6.2
  bool kw = false;
  bool kva = false;
  bool volt = false;
  bool amp = false;
  bool hz = false;
  bool cos_phi = false;
  bool l1 = false;
  bool l2 = false;
  bool l3 = false;
  bool forward_arrow = false;  // the page shows a forward register
  bool reverse_arrow = false;  // the page shows a reverse register

  bool blinking = false;    // a value being chosen in a menu
  bool segments_on = true;  // false in the dark half of a blink: draw nothing
  bool backlight_on = false;

  // The top row with its decimal points written as '.' ("  123.45"), for text renderers.
  std::string TopText() const;
};

// A setting chosen with the buttons, for the app to apply (ApplyPanelChange).
struct PanelChange {
  enum class Kind : uint8_t {
    kResetDayCounter,   // value unused
    kSetScrollTime,     // value: seconds 1..30
    kSetBacklightMode,  // value: BacklightMode
    kSetMeterId,        // value: Modbus ID 1..247 (PRO380-Mod)
    kSetMbusAddress,    // value: M-Bus primary address 0..250 (PRO380-Mb)
    kSetCtRatio,        // value: primary amperes; the ratio is locked with it
  };
  Kind kind;
  int value = 0;

  friend bool operator==(const PanelChange&, const PanelChange&) = default;
};

// What the panel is doing, for tests and renderers.
enum class PanelMode : uint8_t {
  kScrolling,       // automatic scrolling through the selected groups
  kBrowsing,        // the user stepped pages; back to scrolling after kManualBrowseTime
  kSetCtWarning,    // CT meter without a ratio: "SET CT" / "0005"
  kCtSelecting,     // choosing the CT ratio; locks kCtLockDelay after the last press
  kEditScrollTime,  // rt menu
  kEditBacklight,   // BL menu
  kEditMeterId,     // meter-ID menu
};

struct FrontPanelOptions {
  bool has_bus = true;  // Modbus/M-Bus meters show the meter-ID and baud pages
  // A PRO380-Mb: the meter-ID page shows and its menu sets the M-Bus primary address (0..250),
  // the baud page shows the M-Bus baud rate (docs/display.md, "Variants").
  bool mbus = false;
  double scroll_speed = 1.0;  // automatic scrolling runs this many times faster (> 0)
};

class FrontPanel {
 public:
  // A panel that powers on at `now`: the direction page first (manual §6.5), or the SET CT
  // warning on a CT meter without a ratio (§6.7.1).
  FrontPanel(const FrontPanelOptions& options, TimePoint now);

  std::vector<PanelChange> Press(Button button, TimePoint now, const PanelInputs& inputs);
  std::vector<PanelChange> Release(Button button, TimePoint now, const PanelInputs& inputs);
  std::vector<PanelChange> Advance(TimePoint now, const PanelInputs& inputs);

  LcdView View(const PanelInputs& inputs, TimePoint now) const;

  PanelMode mode() const { return mode_; }
  int page() const { return page_; }
  bool pressed(Button button) const { return held_[static_cast<int>(button)]; }
  // The value a menu is choosing (seconds, BacklightMode, ID, CT primary amperes).
  int candidate() const { return candidate_; }
  // The meter-ID page's setting on this variant: the M-Bus primary address or the Modbus ID.
  int MeterId(const DeviceSettings& settings) const;
  // The earliest time at which Advance has something to do.
  TimePoint next_deadline() const;
  // Whether Advance(now, inputs) would change the panel's state, for inputs whose CT state is
  // `ct_unset` (PanelInputs::ct_unset) and whose settings are `settings`: a timer is due, the
  // CT warning starts or ends, or an automatic scroll step is due. When false, skipping that
  // Advance leaves the panel exactly as calling it would (what it shows, its timers and the
  // changes it returns later), so a caller may skip building the PanelInputs (the cost of a
  // panel nobody looks at in a fleet; docs/performance.md, "The fleet").
  bool HasWork(TimePoint now, bool ct_unset, const DeviceSettings& settings) const;

  // The pages that exist on this meter, in order, and those that scroll automatically.
  std::vector<int> AvailablePages(const PanelInputs& inputs) const;
  std::vector<int> ScrollPages(const PanelInputs& inputs) const;

 private:
  void RunTimers(TimePoint now, const PanelInputs& inputs, std::vector<PanelChange>& changes);
  void EnterMenu(PanelMode menu, int value, TimePoint now);
  void ShortPress(Button button, TimePoint now, const PanelInputs& inputs);
  void LongPress(Button button, TimePoint now, const PanelInputs& inputs,
                 std::vector<PanelChange>& changes);
  void BothHeld(TimePoint now, const PanelInputs& inputs, std::vector<PanelChange>& changes);
  void StepPage(int direction, const PanelInputs& inputs);
  void StepCandidate(int direction);
  void Touch(TimePoint now);
  Duration ScrollPeriod(const DeviceSettings& settings) const;

  FrontPanelOptions options_;
  PanelMode mode_ = PanelMode::kScrolling;
  int page_ = 1;
  int candidate_ = 0;
  TimePoint now_{};
  TimePoint page_since_{};     // when the page (or scroll step) was last shown
  TimePoint last_touch_{};     // last press or release
  TimePoint menu_deadline_{};  // commit (rt, BL, CT) or abandon (meter ID)
  TimePoint menu_since_{};     // the menu opened (its value blinks from here)
  int menu_entry_value_ = 0;   // the setting's value when the menu opened
  TimePoint blink_from_{};     // a blink-twice sequence started here
  bool blink_lcd_ = false;     // the blink also darkens the LCD (meter ID)
  bool blinking_ = false;      // a blink-twice sequence has been started at least once
  std::array<bool, 2> held_{};
  std::array<TimePoint, 2> held_since_{};
  TimePoint both_since_{};
  bool both_fired_ = false;  // the both-buttons hold has acted; releases do nothing more
  bool chord_ = false;       // both were down in this touch: releases do not step pages
  bool touched_ = false;     // any button was ever touched (for "bl btn")
};

}  // namespace pro380::device

#endif  // PRO380_DEVICE_FRONT_PANEL_H_
