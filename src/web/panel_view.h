// The front panel (device/front_panel.h) as the web page and the REST API see it: the LCD view,
// the backlight and the two test LEDs as JSON, and the buttons as requests (docs/web.md,
// "Front panel").
#ifndef PRO380_WEB_PANEL_VIEW_H_
#define PRO380_WEB_PANEL_VIEW_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "device/front_panel.h"
#include "web/meter_gateway.h"

namespace pro380::web {

// {"serial", "rows": [top with '.', bottom], "top", "top_points", "bottom", "page", "quantity"
//  (the canonical name of what the page shows, or null), "mode",
//  "indicators": ["T1", "kWh", …], "blinking", "segments_on", "backlight", "backlight_mode",
//  "leds": {"active": {"on", "flashes_per_second", "pulses"}, "reactive": {…}}}
// REQUIRES: meter.panel.
nlohmann::json LcdJson(const WebMeter& meter);

// "left" / "right" → the button; nullopt for another name.
std::optional<device::Button> ButtonFromName(std::string_view name);

}  // namespace pro380::web

#endif  // PRO380_WEB_PANEL_VIEW_H_
