#include "app/panel_driver.h"

#include "device/panel_changes.h"

namespace pro380::app {

PanelDriver::PanelDriver(metering::Meter& meter, device::DeviceSettings& settings,
                         const device::FrontPanelOptions& options, TimePoint now,
                         PanelChangeSink sink)
    : meter_(meter), settings_(settings), panel_(options, now), sink_(std::move(sink)) {
  panel_.Advance(now, device::PanelInputsOf(meter_, settings_));
}

void PanelDriver::Apply(const std::vector<device::PanelChange>& changes) {
  for (const device::PanelChange& change : changes) {
    const auto applied = device::ApplyPanelChange(change, meter_, settings_);
    if (!applied) {
      ++refused_;
      continue;
    }
    if (sink_) sink_(*applied);
  }
}

void PanelDriver::Press(device::Button button, TimePoint now) {
  Apply(panel_.Press(button, now, device::PanelInputsOf(meter_, settings_)));
}

void PanelDriver::Release(device::Button button, TimePoint now) {
  Apply(panel_.Release(button, now, device::PanelInputsOf(meter_, settings_)));
}

void PanelDriver::Advance(TimePoint now) {
  const metering::MeterConfig& config = meter_.config();
  if (!panel_.HasWork(now, config.ct_variant && config.ct_ratio == 0, settings_)) return;
  Apply(panel_.Advance(now, device::PanelInputsOf(meter_, settings_)));
}

device::LcdView PanelDriver::View(TimePoint now) const {
  return panel_.View(device::PanelInputsOf(meter_, settings_), now);
}

device::LedView PanelDriver::Led(metering::EnergyKind kind) const {
  return device::LedAt(device::PanelInputsOf(meter_, settings_), kind, meter_.now());
}

}  // namespace pro380::app
