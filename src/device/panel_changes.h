// Settings chosen on the front panel, applied through the same rules as a bus write
// (device/setting_writes.h): the same allowed values, the same locks, the same AppliedWrite for
// the app to log and persist (docs/display.md).
#ifndef PRO380_DEVICE_PANEL_CHANGES_H_
#define PRO380_DEVICE_PANEL_CHANGES_H_

#include <optional>

#include "device/device_settings.h"
#include "device/front_panel.h"
#include "device/setting_writes.h"
#include "metering/meter.h"

namespace pro380::device {

// Applies `change`. Returns what changed, or nullopt when the value is not allowed or the
// setting is locked (a CT ratio once locked); nothing changes then. A CT ratio is set and
// locked in one step (manual §6.7.1: stored for good 5 s after the last press).
std::optional<AppliedWrite> ApplyPanelChange(const PanelChange& change, metering::Meter& meter,
                                             DeviceSettings& settings);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_PANEL_CHANGES_H_
