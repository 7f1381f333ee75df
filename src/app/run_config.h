// The configuration file of `pro380 run --config FILE.toml` (docs/config.md): parsed and validated
// once at the edge into typed values. The loader never throws; every problem of the file is one
// InvalidArgument naming the file, the line, the key path (e.g. "meter[2].combined_code") and the
// allowed values or type. Meter values are checked by ValidateMeterArgs (app/meter_options.h), so
// the file and the command line allow exactly the same values. Merging with the command line
// (command line > file > default) is the caller's job.
#ifndef PRO380_APP_RUN_CONFIG_H_
#define PRO380_APP_RUN_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/fleet_template.h"
#include "app/interface_plan.h"
#include "app/meter_options.h"
#include "app/mqtt_publish_settings.h"
#include "app/mqtt_settings.h"
#include "base/status.h"
#include "metering/quantity.h"

namespace pro380::app {

// Upper bound of run.speed (and --speed); the lower bound is "above 0".
inline constexpr double kMaxRunSpeed = 1e6;
// Largest preset energy: the registers' 8-digit range in kWh / kvarh with two decimals.
inline constexpr double kMaxPresetEnergy = 99999999.99;
// Largest preset power-down count: the real register 0x4016 is a signed 16-bit value.
inline constexpr int64_t kMaxPresetPowerDownCount = 32767;

// A replacement meter's initial registers, written once into a meter the store does not have.
struct RegisterPreset {
  // Values in the canonical quantity's unit (kWh / kvarh), keyed by the canonical quantity: the
  // forward/reverse active/reactive T1, T2, L1, L2, L3 registers and the day counter.
  std::vector<std::pair<metering::QuantityId, double>> energies;
  std::optional<int64_t> power_down_count;
};

struct MeterEntry {
  MeterArgs args;                  // the same raw strings the command line parses
  std::vector<std::string> given;  // the meter options the file set, as CLI names: "--ct", ...
  std::optional<RegisterPreset> preset;
  bool sealed = false;  // rejects every write from every bus: the meter's key, else [run].sealed
};

struct RunConfig {
  std::optional<std::string> source, state_dir, save_interval, stop_after;
  std::optional<double> speed;  // in (0, kMaxRunSpeed]
  std::optional<uint64_t> seed;
  bool sealed = false;             // [run].sealed, already applied to every MeterEntry::sealed
  std::vector<MeterEntry> meters;  // at least one (a file with no [[meter]] gives one default)
  InterfaceArgs interfaces;        // [interfaces]: strings as written, checked by ResolveInterfaces
  // [[fleet]] (app/fleet_template.h): serials unique with the meters'; without any [[meter]],
  // the fleets are all the meters.
  std::vector<FleetTemplate> fleets;
  MqttClientSettings mqtt;  // [mqtt]: the mqtt:// sources' credentials and TLS (docs/config.md)
  std::optional<MqttPublishConfig> mqtt_publish;  // [mqtt_publish] (docs/mqtt.md)
};

// Parses and validates `toml_text`; `file_name` is used in messages only.
// save_interval and stop_after are checked to be durations (app/duration_arg.h); their allowed
// ranges are the caller's. Errors: InvalidArgument "FILE:LINE: KEY ...".
Result<RunConfig> ParseRunConfig(std::string_view toml_text, std::string_view file_name);

// Reads `path` and parses it as above. Errors: IoError if the file cannot be read.
Result<RunConfig> LoadRunConfig(const std::string& path);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_CONFIG_H_
