// Bringing a meter up from the state store (rules in docs/decisions/state.md): a saved meter
// resumes with its registers, settings and locks, and the meter options typed on the command
// line are applied to it by the meter's own setting rules or refused; a meter the store does not
// know starts new from the options. Either way the power-down count is incremented (real register
// 0x4016) and the returned events begin with the `power_up`. The meter's DeviceSettings (Modbus
// ID, line settings, display time, meter code) come back the same way: saved ones win, `--id`
// typed on the command line is applied and logged.
#ifndef PRO380_APP_METER_RESUME_H_
#define PRO380_APP_METER_RESUME_H_

#include <memory>
#include <string>
#include <vector>

#include "app/meter_options.h"
#include "app/run_config.h"
#include "base/status.h"
#include "base/time.h"
#include "device/device_settings.h"
#include "metering/meter.h"
#include "storage/state_store.h"

namespace pro380::app {

struct StartedMeter {
  std::unique_ptr<metering::Meter> meter;
  // The saved settings of a resumed meter; else (a new meter, or one saved without settings) the
  // device defaults with the serial and the options' Modbus ID. To be kept beside `meter` and
  // given to PeriodicSaver (SavedMeter::settings) so that changes survive a restart.
  device::DeviceSettings settings;
  bool resumed = false;
  bool preset_ignored = false;
  std::vector<storage::Event> events;  // to be saved with the first save; power_up first
};

// `given_options` are the meter options typed on the command line (e.g. "--combined-code"); only
// these are checked against, or applied to, a saved meter. `preset` (a replacement meter's
// registers from the config) is written into a meter the store does not have, and logged as a
// `reset` event; for a saved meter it is ignored (presets are written once) and `preset_ignored`
// is set. Nothing is written to `store`.
// Errors: the store's load errors (also FailedPrecondition for saved device settings that the
// device does not allow); InvalidArgument naming the option that a saved meter refuses.
Result<StartedMeter> StartMeter(storage::StateStore& store, const MeterOptions& options,
                                const std::vector<std::string>& given_options,
                                const RegisterPreset* preset, TimePoint wall_start);

// Writes the preset's registers into `state` (energies in µWh/µvarh, rounded to the nearest) and
// returns the event detail that lists them.
std::string WritePreset(const RegisterPreset& preset, metering::MeterState& state);

}  // namespace pro380::app

#endif  // PRO380_APP_METER_RESUME_H_
