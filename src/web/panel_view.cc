#include "web/panel_view.h"

#include "device/lcd_pages.h"

namespace pro380::web {
namespace {

std::string_view ModeName(device::PanelMode mode) {
  switch (mode) {
    case device::PanelMode::kScrolling:
      return "scrolling";
    case device::PanelMode::kBrowsing:
      return "browsing";
    case device::PanelMode::kSetCtWarning:
      return "set_ct_warning";
    case device::PanelMode::kCtSelecting:
      return "ct_selecting";
    case device::PanelMode::kEditScrollTime:
      return "edit_scroll_time";
    case device::PanelMode::kEditBacklight:
      return "edit_backlight";
    case device::PanelMode::kEditMeterId:
      return "edit_meter_id";
  }
  return "";
}

std::string_view BacklightName(device::BacklightMode mode) {
  switch (mode) {
    case device::BacklightMode::kButton:
      return "btn";
    case device::BacklightMode::kOff:
      return "off";
    case device::BacklightMode::kOn:
      return "on";
  }
  return "";
}

nlohmann::json LedJson(const device::LedView& led) {
  return {{"on", led.on}, {"flashes_per_second", led.flashes_per_second}, {"pulses", led.pulses}};
}

}  // namespace

nlohmann::json LcdJson(const WebMeter& meter) {
  const device::LcdView view = meter.panel->View();
  nlohmann::json indicators = nlohmann::json::array();
  const std::pair<bool, const char*> symbols[] = {
      {view.t1, "T1"},           {view.t2, "T2"},
      {view.l1, "L1"},           {view.l2, "L2"},
      {view.l3, "L3"},           {view.kwh, "kWh"},
      {view.kvarh, "kvarh"},     {view.kw, "kW"},
      {view.kva, "kVA"},         {view.volt, "V"},
      {view.amp, "A"},           {view.hz, "Hz"},
      {view.cos_phi, "cos"},     {view.forward_arrow, "FW"},
      {view.reverse_arrow, "RV"}};
  for (const auto& [on, name] : symbols) {
    if (on) indicators.push_back(name);
  }
  nlohmann::json points = nlohmann::json::array();
  for (bool p : view.top_points) points.push_back(p);
  nlohmann::json quantity = nullptr;  // the quantity the page shows, by canonical name
  if (view.page >= 1 && view.page <= static_cast<int>(device::kLcdPages.size())) {
    const device::LcdPage& page = device::kLcdPages[static_cast<size_t>(view.page - 1)];
    if (page.quantity != metering::QuantityId::kCount) {
      quantity = std::string(metering::QuantityInfo(page.quantity).name);
    }
  }
  return {{"serial", meter.serial},
          {"rows", {view.TopText(), view.bottom}},
          {"top", view.top},
          {"top_points", points},
          {"bottom", view.bottom},
          {"page", view.page},
          {"quantity", quantity},
          {"mode", ModeName(meter.panel->mode())},
          {"indicators", indicators},
          {"blinking", view.blinking},
          {"segments_on", view.segments_on},
          {"backlight", view.backlight_on},
          {"backlight_mode", BacklightName(meter.settings->backlight_mode)},
          {"leds",
           {{"active", LedJson(meter.panel->Led(metering::EnergyKind::kActive))},
            {"reactive", LedJson(meter.panel->Led(metering::EnergyKind::kReactive))}}}};
}

std::optional<device::Button> ButtonFromName(std::string_view name) {
  if (name == "left") return device::Button::kLeft;
  if (name == "right") return device::Button::kRight;
  return std::nullopt;
}

}  // namespace pro380::web
