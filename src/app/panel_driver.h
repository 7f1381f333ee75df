// PanelDriver: one meter's front panel in `pro380 run` (docs/display.md). It owns the
// device::FrontPanel, gives it snapshots of the meter, applies the settings chosen with the
// buttons through device::ApplyPanelChange (the rules of a bus write) and reports each applied
// change to a sink, which logs and saves it like a Modbus write.
//
// Time: `now` is panel time, a monotonic wall time (buttons and menus run at human speed); the
// FrontPanelOptions' scroll_speed makes automatic scrolling follow `--speed`.
//
// Thread safety: none; the thread that owns the meter (the run loop) calls it. The web page and
// the terminal view call it from that thread too.
#ifndef PRO380_APP_PANEL_DRIVER_H_
#define PRO380_APP_PANEL_DRIVER_H_

#include <functional>

#include "base/time.h"
#include "device/device_settings.h"
#include "device/front_panel.h"
#include "device/setting_writes.h"
#include "metering/meter.h"

namespace pro380::app {

// Called once per applied change (the string view is valid during the call).
using PanelChangeSink = std::function<void(const device::AppliedWrite&)>;

class PanelDriver {
 public:
  // REQUIRES: `meter` and `settings` outlive the driver.
  PanelDriver(metering::Meter& meter, device::DeviceSettings& settings,
              const device::FrontPanelOptions& options, TimePoint now, PanelChangeSink sink);

  void Press(device::Button button, TimePoint now);
  void Release(device::Button button, TimePoint now);
  // Runs the panel's timers (scrolling, menus); call it on every tick of the run loop. Cheap
  // when nothing is due (FrontPanel::HasWork): the meter is not read then.
  void Advance(TimePoint now);

  device::LcdView View(TimePoint now) const;
  // The LEDs at the meter's present time.
  device::LedView Led(metering::EnergyKind kind) const;
  const device::FrontPanel& panel() const { return panel_; }
  // Changes the panel chose that the meter refused (a locked setting; none expected).
  int refused_changes() const { return refused_; }

 private:
  void Apply(const std::vector<device::PanelChange>& changes);

  metering::Meter& meter_;
  device::DeviceSettings& settings_;
  device::FrontPanel panel_;
  PanelChangeSink sink_;
  int refused_ = 0;
};

}  // namespace pro380::app

#endif  // PRO380_APP_PANEL_DRIVER_H_
