// What `pro380 run` will do, resolved from the command line and the config file before anything
// starts (docs/config.md, "Precedence": command line > config file > default). Every problem is
// an InvalidArgument naming the option or the config key, so a bad start exits 2 and writes
// nothing.
#ifndef PRO380_APP_RUN_PLAN_H_
#define PRO380_APP_RUN_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/meter_options.h"
#include "app/run_command.h"
#include "app/run_config.h"
#include "base/status.h"
#include "base/time.h"

namespace pro380::app {

struct PlannedMeter {
  MeterOptions options;
  std::vector<std::string> given;  // meter options set by the command line or the file
  std::optional<RegisterPreset> preset;
  bool sealed = false;
  // A fleet meter (app/fleet_plan.h) is on its fleet port only (an index into
  // RunPlan::fleet_ports), not on the [interfaces], and prints no live line.
  std::optional<std::size_t> fleet_port;
  std::optional<uint64_t> seed;  // the scenario seed; none: RunPlan::seed + the meter's index
  // A [[fleet]]'s meter: fleet_port is set, but for a bus-less PRO380-S fleet's meters.
  bool in_fleet = false;
};

struct RunPlan {
  std::string source;
  double speed = 1.0;
  uint64_t seed = 1;
  std::string state_dir;
  Duration save_interval{};
  std::optional<Duration> stop_after;
  std::vector<PlannedMeter> meters;  // at least one; serials unique
  InterfacePlan interfaces;
  // Each fleet bus: a Modbus TCP port and/or an RTU line of its fleet meters (modbus_tcp and
  // modbus_rtu with at most one entry each; response_delay as [interfaces]'), or for a PRO380-Mb
  // fleet an M-Bus TCP port and/or an M-Bus line (mbus_tcp and mbus, at most one entry each).
  std::vector<InterfacePlan> fleet_ports;
  MqttClientSettings mqtt;                      // the mqtt:// sources' credentials and TLS ([mqtt])
  std::optional<MqttPublishPlan> mqtt_publish;  // none: nothing is published (docs/mqtt.md)
};

// `config` is the loaded --config file, if any. `xdg_state_home`/`home` are the environment's
// values for the default state directory (null = unset).
Result<RunPlan> ResolveRunPlan(const RunArgs& args, const std::optional<RunConfig>& config,
                               const char* xdg_state_home, const char* home);

}  // namespace pro380::app

#endif  // PRO380_APP_RUN_PLAN_H_
