#include "device/front_panel.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "device/lcd_format.h"
#include "metering/ct_ratio.h"

namespace pro380::device {
namespace {

using metering::QuantityId;

constexpr int kDirectionPage = 1;
constexpr int kDayCounterPage = 57;
constexpr int kCtRatioPage = 58;
constexpr int kMeterIdPage = 61;
constexpr int kScrollTimePage = 63;
constexpr int kBacklightPage = 65;
constexpr Duration kBlinkStep = kBlinkTwiceTime / 4;
constexpr TimePoint kNever = TimePoint::max();

std::string Pad(std::string_view left, std::string_view right = "") {
  std::string row(left);
  const std::size_t room = kLcdWidth - std::min<std::size_t>(row.size(), kLcdWidth);
  row.resize(std::min<std::size_t>(row.size(), kLcdWidth));
  row.append(room - std::min(room, right.size()), ' ');
  row.append(right.substr(0, room));
  return row;
}

std::string RightAligned(std::string_view text) {
  return std::string(kLcdWidth - std::min<std::size_t>(text.size(), kLcdWidth), ' ') +
         std::string(text.substr(0, kLcdWidth));
}

std::string_view BacklightName(int mode) {
  switch (static_cast<BacklightMode>(mode)) {
    case BacklightMode::kOff:
      return "off";
    case BacklightMode::kOn:
      return "on";
    case BacklightMode::kButton:
      break;
  }
  return "btn";
}

bool IsMenu(PanelMode mode) {
  return mode == PanelMode::kEditScrollTime || mode == PanelMode::kEditBacklight ||
         mode == PanelMode::kEditMeterId || mode == PanelMode::kCtSelecting;
}

// The top row of a settings value: the number right-aligned.
void ShowNumber(LcdView& view, double value, int decimals, LcdRounding rounding) {
  const LcdNumber number = FormatLcdNumber(value, decimals, rounding);
  view.top = number.text;
  std::copy(number.points.begin(), number.points.end(), view.top_points.begin());
}

void ShowUnit(LcdView& view, std::string_view unit) {
  view.kwh = unit == "kWh";
  view.kvarh = unit == "kvarh";
  view.kw = unit == "kW";
  view.kva = unit == "kVA";
  view.volt = unit == "V";
  view.amp = unit == "A";
  view.hz = unit == "Hz";
  view.cos_phi = unit.empty();
}

void ShowPhase(LcdView& view, int phase) {
  view.l1 = phase == 1;
  view.l2 = phase == 2;
  view.l3 = phase == 3;
}

}  // namespace

std::string LcdView::TopText() const {
  std::string text;
  for (int i = 0; i < kLcdWidth && i < static_cast<int>(top.size()); ++i) {
    text += top[i];
    if (top_points[i]) text += '.';
  }
  return text;
}

PanelInputs PanelInputsOf(const metering::Meter& meter, const DeviceSettings& settings) {
  PanelInputs in;
  in.readings = metering::Read(meter);
  in.diagnostics = meter.diagnostics();
  in.settings = settings;
  in.ct_variant = meter.config().ct_variant;
  in.ct_locked = meter.config().ct_locked;
  for (metering::EnergyKind kind :
       {metering::EnergyKind::kActive, metering::EnergyKind::kReactive}) {
    const metering::PulseOutput& led = meter.led(kind);
    PanelInputs::Led& out = in.leds[static_cast<int>(kind)];
    out.pulses = led.pulses();
    if (led.pulses() > 0) {
      out.last_pulse_start = led.last_pulse_start();
      out.width = led.width();
    }
  }
  return in;
}

LedView LedAt(const PanelInputs& inputs, metering::EnergyKind kind, TimePoint meter_time) {
  const PanelInputs::Led& led = inputs.leds[static_cast<int>(kind)];
  LedView view;
  view.pulses = led.pulses;
  view.meter_time = meter_time;
  view.last_pulse_start = led.last_pulse_start;
  view.on = led.pulses > 0 && meter_time >= led.last_pulse_start &&
            meter_time < led.last_pulse_start + led.width;
  const QuantityId first = kind == metering::EnergyKind::kActive ? QuantityId::kActivePowerL1Kw
                                                                 : QuantityId::kReactivePowerL1Kvar;
  double sum_kw = 0;
  for (int k = 0; k < metering::kPhaseCount; ++k) {
    sum_kw += std::fabs(inputs.readings[static_cast<QuantityId>(static_cast<int>(first) + k)]);
  }
  view.flashes_per_second = sum_kw * 10'000.0 / 3600.0;  // manual §5: 10 000 imp/kWh
  return view;
}

FrontPanel::FrontPanel(const FrontPanelOptions& options, TimePoint now)
    : options_(options), now_(now), page_since_(now), last_touch_(now) {}

std::vector<int> FrontPanel::AvailablePages(const PanelInputs& inputs) const {
  std::vector<int> pages;
  for (const LcdPage& page : kLcdPages) {
    if (page.availability == PageAvailability::kCtOnly && !inputs.ct_variant) continue;
    if (page.availability == PageAvailability::kBusOnly && !options_.has_bus) continue;
    pages.push_back(page.number);
  }
  return pages;
}

std::vector<int> FrontPanel::ScrollPages(const PanelInputs& inputs) const {
  std::vector<int> pages;
  for (int number : AvailablePages(inputs)) {
    const auto bit = static_cast<uint32_t>(PageInfo(number).group);
    if ((inputs.settings.lcd_scroll_groups >> bit) & 1u) pages.push_back(number);
  }
  return pages;
}

Duration FrontPanel::ScrollPeriod(const DeviceSettings& settings) const {
  const int seconds = std::clamp(settings.lcd_cycle_time_s, kMinLcdCycleTimeS, kMaxLcdCycleTimeS);
  const double speed = options_.scroll_speed > 0 ? options_.scroll_speed : 1.0;
  return std::max(Duration(1), FromSeconds(seconds / speed));
}

TimePoint FrontPanel::next_deadline() const {
  TimePoint next = kNever;
  if (held_[0] && held_[1] && !both_fired_) next = std::min(next, both_since_ + kHoldTime);
  if (IsMenu(mode_)) next = std::min(next, menu_deadline_);
  if (mode_ == PanelMode::kBrowsing && !held_[0] && !held_[1]) {
    next = std::min(next, last_touch_ + kManualBrowseTime);
  }
  return next;
}

bool FrontPanel::HasWork(TimePoint now, bool ct_unset, const DeviceSettings& settings) const {
  if (next_deadline() <= now) return true;
  const bool ct_mode = mode_ == PanelMode::kSetCtWarning || mode_ == PanelMode::kCtSelecting;
  if (ct_unset != ct_mode) return true;  // RunTimers enters or leaves the CT warning
  return mode_ == PanelMode::kScrolling && now - page_since_ >= ScrollPeriod(settings);
}

int FrontPanel::MeterId(const DeviceSettings& settings) const {
  return options_.mbus ? settings.mbus_primary_address : settings.modbus_id;
}

void FrontPanel::Touch(TimePoint now) {
  last_touch_ = now;
  touched_ = true;
}

void FrontPanel::EnterMenu(PanelMode menu, int value, TimePoint now) {
  mode_ = menu;
  candidate_ = value;
  menu_entry_value_ = value;
  menu_deadline_ = kNever;  // armed when the buttons are released
  blink_from_ = now;
  blinking_ = true;
  blink_lcd_ = menu == PanelMode::kEditMeterId;
  menu_since_ = now;
}

void FrontPanel::RunTimers(TimePoint now, const PanelInputs& inputs,
                           std::vector<PanelChange>& changes) {
  now = std::max(now, now_);
  // The CT state is the meter's: a CT meter without a ratio shows the warning, whatever the
  // panel was doing; once the ratio is set the panel starts like after power-on.
  const bool ct_unset = inputs.ct_unset();
  if (ct_unset && mode_ != PanelMode::kSetCtWarning && mode_ != PanelMode::kCtSelecting) {
    mode_ = PanelMode::kSetCtWarning;
    page_since_ = now;
  } else if (!ct_unset && (mode_ == PanelMode::kSetCtWarning || mode_ == PanelMode::kCtSelecting)) {
    mode_ = PanelMode::kScrolling;
    page_ = kDirectionPage;
    page_since_ = now;
  }
  // Timed events in time order; each handler moves its own deadline past `now` or ends it.
  for (int guard = 0; guard < 8; ++guard) {
    const TimePoint due = next_deadline();
    if (due > now) break;
    if (held_[0] && held_[1] && !both_fired_ && due == both_since_ + kHoldTime) {
      BothHeld(due, inputs, changes);
    } else if (IsMenu(mode_) && due == menu_deadline_) {
      const int value = candidate_;
      switch (mode_) {
        case PanelMode::kCtSelecting:  // §6.7.1: stored 5 s after the last press, for good
          changes.push_back({PanelChange::Kind::kSetCtRatio, value});
          mode_ = PanelMode::kScrolling;
          page_ = kDirectionPage;
          page_since_ = due;
          break;
        case PanelMode::kEditScrollTime:
        case PanelMode::kEditBacklight:  // §6.6.2, §6.8.1: programmed 10 s after the release
          if (value != menu_entry_value_) {
            changes.push_back({mode_ == PanelMode::kEditScrollTime
                                   ? PanelChange::Kind::kSetScrollTime
                                   : PanelChange::Kind::kSetBacklightMode,
                               value});
          }
          mode_ = PanelMode::kBrowsing;
          last_touch_ = due;
          break;
        default:  // meter ID: 10 s untouched abandons the menu (appendix 3)
          mode_ = PanelMode::kBrowsing;
          last_touch_ = due;
          break;
      }
    } else if (mode_ == PanelMode::kBrowsing) {
      mode_ = PanelMode::kScrolling;
      page_since_ = due;
    } else {
      break;
    }
  }
  if (mode_ == PanelMode::kScrolling && now - page_since_ >= ScrollPeriod(inputs.settings)) {
    const Duration period = ScrollPeriod(inputs.settings);
    const int64_t steps = (now - page_since_) / period;
    page_since_ += steps * period;
    const std::vector<int> scroll = ScrollPages(inputs);
    if (!scroll.empty()) {
      // The next scrolling page after the one shown (which may be a browsed page not in the list).
      auto it = std::upper_bound(scroll.begin(), scroll.end(), page_);
      int64_t index = it - scroll.begin();
      index = (index + steps - 1) % static_cast<int64_t>(scroll.size());
      page_ = scroll[static_cast<std::size_t>(index)];
    }
  }
  now_ = now;
}

std::vector<PanelChange> FrontPanel::Advance(TimePoint now, const PanelInputs& inputs) {
  std::vector<PanelChange> changes;
  RunTimers(now, inputs, changes);
  return changes;
}

std::vector<PanelChange> FrontPanel::Press(Button button, TimePoint now,
                                           const PanelInputs& inputs) {
  std::vector<PanelChange> changes;
  RunTimers(now, inputs, changes);
  const int b = static_cast<int>(button);
  if (held_[b]) return changes;  // a repeated press without a release
  Touch(now_);
  held_[b] = true;
  held_since_[b] = now_;
  if (held_[1 - b]) {
    both_since_ = now_;
    both_fired_ = false;
    chord_ = true;
  }
  if (mode_ == PanelMode::kScrolling) mode_ = PanelMode::kBrowsing;  // the page stays put
  if (IsMenu(mode_) && mode_ != PanelMode::kCtSelecting) menu_deadline_ = kNever;
  return changes;
}

std::vector<PanelChange> FrontPanel::Release(Button button, TimePoint now,
                                             const PanelInputs& inputs) {
  std::vector<PanelChange> changes;
  RunTimers(now, inputs, changes);
  const int b = static_cast<int>(button);
  if (!held_[b]) return changes;
  held_[b] = false;
  Touch(now_);
  const Duration held_for = now_ - held_since_[b];
  if (chord_) {
    if (!held_[1 - b]) chord_ = false;  // both were down: the hold acted (or not), no step
  } else if (held_for >= kHoldTime) {
    LongPress(button, now_, inputs, changes);
  } else {
    ShortPress(button, now_, inputs);
  }
  if (IsMenu(mode_) && mode_ != PanelMode::kCtSelecting && !held_[0] && !held_[1]) {
    menu_deadline_ = now_ + (mode_ == PanelMode::kEditMeterId ? kMeterIdTimeout : kCommitDelay);
  }
  return changes;
}

void FrontPanel::StepPage(int direction, const PanelInputs& inputs) {
  const std::vector<int> pages = AvailablePages(inputs);
  auto it = std::find(pages.begin(), pages.end(), page_);
  const auto size = static_cast<int64_t>(pages.size());
  int64_t index = it == pages.end() ? 0 : it - pages.begin();
  index = ((index + direction) % size + size) % size;
  page_ = pages[static_cast<std::size_t>(index)];
}

void FrontPanel::StepCandidate(int direction) {
  switch (mode_) {
    case PanelMode::kEditScrollTime: {  // 01..30, wrapping
      const int span = kMaxLcdCycleTimeS - kMinLcdCycleTimeS + 1;
      candidate_ = (candidate_ - kMinLcdCycleTimeS + direction + span) % span + kMinLcdCycleTimeS;
      break;
    }
    case PanelMode::kEditBacklight:  // btn, off, on (§6.8.1 order)
      candidate_ = (candidate_ + direction + 3) % 3;
      break;
    case PanelMode::kEditMeterId: {  // wrapping within the bus's address range
      const int min = options_.mbus ? kMinMbusPrimaryAddress : kMinModbusId;
      const int max = options_.mbus ? kMaxMbusPrimaryAddress : kMaxModbusId;
      const int span = max - min + 1;
      candidate_ = (candidate_ - min + direction + span) % span + min;
      break;
    }
    case PanelMode::kCtSelecting: {
      auto it = std::find(metering::kCtRatios.begin(), metering::kCtRatios.end(), candidate_);
      const auto size = static_cast<int64_t>(metering::kCtRatios.size());
      int64_t index = it == metering::kCtRatios.end() ? 0 : it - metering::kCtRatios.begin();
      index = ((index + direction) % size + size) % size;
      candidate_ = metering::kCtRatios[static_cast<std::size_t>(index)];
      break;
    }
    default:
      break;
  }
}

void FrontPanel::ShortPress(Button button, TimePoint now, const PanelInputs& inputs) {
  const int direction = button == Button::kRight ? 1 : -1;
  switch (mode_) {
    case PanelMode::kScrolling:
    case PanelMode::kBrowsing:
      StepPage(direction, inputs);
      mode_ = PanelMode::kBrowsing;
      break;
    case PanelMode::kSetCtWarning:  // the first press shows the first ratio, 5 (the "0005")
      mode_ = PanelMode::kCtSelecting;
      candidate_ = metering::kCtRatios.front();
      menu_since_ = now;
      menu_deadline_ = held_since_[static_cast<int>(button)] + kCtLockDelay;
      break;
    case PanelMode::kCtSelecting:
      StepCandidate(direction);
      menu_deadline_ = held_since_[static_cast<int>(button)] + kCtLockDelay;
      break;
    default:
      StepCandidate(direction);
      break;
  }
}

void FrontPanel::LongPress(Button button, TimePoint now, const PanelInputs& inputs,
                           std::vector<PanelChange>& changes) {
  if (mode_ != PanelMode::kBrowsing) return;  // a hold in a menu does nothing more
  if (page_ == kScrollTimePage) {             // §6.6.2: "one of the buttons"
    EnterMenu(PanelMode::kEditScrollTime, inputs.settings.lcd_cycle_time_s, now);
  } else if (page_ == kBacklightPage && button == Button::kRight) {  // §6.8.1
    EnterMenu(PanelMode::kEditBacklight, static_cast<int>(inputs.settings.backlight_mode), now);
  } else if (page_ == kDayCounterPage && button == Button::kRight) {  // §6.8.3
    changes.push_back({PanelChange::Kind::kResetDayCounter, 0});
    blink_from_ = now;
    blinking_ = true;
    blink_lcd_ = false;
  }
}

void FrontPanel::BothHeld(TimePoint now, const PanelInputs& inputs,
                          std::vector<PanelChange>& changes) {
  both_fired_ = true;
  if (mode_ == PanelMode::kBrowsing && page_ == kMeterIdPage && options_.has_bus) {
    EnterMenu(PanelMode::kEditMeterId, MeterId(inputs.settings), now);  // appendix 3
  } else if (mode_ == PanelMode::kEditMeterId) {
    if (candidate_ != menu_entry_value_) {
      changes.push_back(
          {options_.mbus ? PanelChange::Kind::kSetMbusAddress : PanelChange::Kind::kSetMeterId,
           candidate_});
    }
    mode_ = PanelMode::kBrowsing;
    blink_from_ = now;  // "blink 2 times to confirm"
    blinking_ = true;
    blink_lcd_ = true;
  }
}

LcdView FrontPanel::View(const PanelInputs& inputs, TimePoint now) const {
  LcdView view;
  now = std::max(now, now_);
  const metering::Readings& r = inputs.readings;
  const bool t2 = r[QuantityId::kTariff] == 2;
  view.t1 = !t2;
  view.t2 = t2;

  const bool ct_warning = inputs.ct_unset() && mode_ != PanelMode::kCtSelecting;
  if (ct_warning) {
    const bool second = ((now - page_since_) / kSetCtAlternation) % 2 == 1;
    view.top = second ? RightAligned("0005") : RightAligned("SET CT");
    view.bottom = Pad("");
    view.page = 0;
  } else if (mode_ == PanelMode::kCtSelecting) {
    view.page = kCtRatioPage;
    view.top = FormatLcdInteger(candidate_, 4);
    view.bottom = Pad("P58", "CT");
  } else {
    const int number = mode_ == PanelMode::kEditScrollTime  ? kScrollTimePage
                       : mode_ == PanelMode::kEditBacklight ? kBacklightPage
                       : mode_ == PanelMode::kEditMeterId   ? kMeterIdPage
                                                            : page_;
    view.page = number;
    const LcdPage& page = PageInfo(number);
    const std::string label = PageLabel(number).data();
    view.bottom = Pad(label);
    switch (page.kind) {
      case PageKind::kDirection: {
        std::string top;
        for (int k = 0; k < metering::kPhaseCount; ++k) {
          const auto power =
              static_cast<QuantityId>(static_cast<int>(QuantityId::kActivePowerL1Kw) + k);
          if (k > 0) top += ' ';
          top += r[power] < 0 ? "RV" : "FW";
        }
        view.top = top;
        view.l1 = view.l2 = view.l3 = true;
        break;
      }
      case PageKind::kQuantity:
      case PageKind::kDayCounter: {
        const metering::Quantity& q = metering::QuantityInfo(page.quantity);
        const bool energy = q.kind == metering::QuantityKind::kEnergy;
        ShowNumber(view, r[page.quantity], page.decimals,
                   energy ? LcdRounding::kTruncate : LcdRounding::kNearest);
        ShowUnit(view, q.unit);
        const PageMarks marks = MarksOf(page.quantity);
        ShowPhase(view, marks.phase);
        view.forward_arrow = marks.forward;
        view.reverse_arrow = marks.reverse;
        if (marks.tariff != 0) view.bottom = Pad(label, marks.tariff == 1 ? "T1" : "T2");
        break;
      }
      case PageKind::kCtRatio:
        view.top = FormatLcdInteger(static_cast<int64_t>(r[QuantityId::kCtRatio]), 1);
        view.bottom = Pad(label, "CT");
        view.amp = true;
        break;
      case PageKind::kS0Rate: {
        const double rate = r[QuantityId::kS0Rate];
        ShowNumber(view, rate, rate == std::floor(rate) ? 0 : 2, LcdRounding::kNearest);
        view.bottom = Pad(label, "S0");
        break;
      }
      case PageKind::kCombinedCode: {
        const int code = static_cast<int>(r[QuantityId::kCombinedCode]);
        view.top = RightAligned(std::string("C-") + static_cast<char>('0' + code / 10 % 10) +
                                static_cast<char>('0' + code % 10));
        break;
      }
      case PageKind::kMeterId: {
        const int id = mode_ == PanelMode::kEditMeterId ? candidate_ : MeterId(inputs.settings);
        view.top = FormatLcdInteger(id, 3);
        view.bottom = Pad(label, "ID");
        break;
      }
      case PageKind::kSerial:
        view.top = FormatLcdInteger(inputs.settings.serial_number, 8);
        break;
      case PageKind::kScrollTime: {
        const int s =
            mode_ == PanelMode::kEditScrollTime ? candidate_ : inputs.settings.lcd_cycle_time_s;
        view.top = "rt    " + FormatLcdInteger(s, 2).substr(kLcdWidth - 2);
        break;
      }
      case PageKind::kBaudRate:
        view.top = FormatLcdInteger(
            options_.mbus ? inputs.settings.mbus_baud_rate : inputs.settings.baud_rate, 1);
        view.bottom = Pad(label, "bd");
        break;
      case PageKind::kBacklight: {
        const int mode = mode_ == PanelMode::kEditBacklight
                             ? candidate_
                             : static_cast<int>(inputs.settings.backlight_mode);
        view.top = Pad("BL", BacklightName(mode));
        break;
      }
      case PageKind::kDiagnostics: {  // §7.1: S, program, EEPROM, phases A B C
        const metering::Diagnostics& d = inputs.diagnostics;
        const auto digit = [](bool ok) { return ok ? '1' : '0'; };
        view.top = {'S',
                    ' ',
                    digit(d.program_ok),
                    digit(d.eeprom_ok),
                    ' ',
                    digit(d.phase_present[0]),
                    digit(d.phase_present[1]),
                    digit(d.phase_present[2])};
        break;
      }
    }
  }

  // A value being chosen blinks: the top row is dark in the second half of each period.
  if (IsMenu(mode_)) {
    view.blinking = true;
    if ((now - menu_since_) % kEditBlinkPeriod >= kEditBlinkPeriod / 2) {
      view.top = std::string(kLcdWidth, ' ');
      view.top_points = {};
    }
  }

  // Backlight (§6.8): "btn" lights it while a button is held and kBacklightButtonTime after the
  // last touch, and during a menu.
  switch (inputs.settings.backlight_mode) {
    case BacklightMode::kOn:
      view.backlight_on = true;
      break;
    case BacklightMode::kOff:
      view.backlight_on = false;
      break;
    case BacklightMode::kButton:
      view.backlight_on = held_[0] || held_[1] || IsMenu(mode_) ||
                          (touched_ && now < last_touch_ + kBacklightButtonTime);
      break;
  }
  // Blink twice OFF/ON (§6.6.2, §6.8.1, §6.8.3; appendix 3 also darkens the LCD).
  if (blinking_ && now >= blink_from_ && now < blink_from_ + kBlinkTwiceTime) {
    const int64_t step = (now - blink_from_) / kBlinkStep;
    if (step % 2 == 0) {
      view.backlight_on = false;
      if (blink_lcd_) view.segments_on = false;
    }
  }
  return view;
}

}  // namespace pro380::device
