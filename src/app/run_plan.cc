#include "app/run_plan.h"

#include <algorithm>

#include "app/duration_arg.h"
#include "app/fleet_plan.h"
#include "app/mbus_interfaces.h"
#include "storage/state_store.h"

namespace pro380::app {
namespace {

bool Typed(const RunArgs& args, std::string_view option) {
  return std::find(args.given_run_options.begin(), args.given_run_options.end(), option) !=
         args.given_run_options.end();
}

// The command line's value if typed, else the file's, else the command line's default.
template <typename T>
T Pick(const RunArgs& args, std::string_view option, const T& typed,
       const std::optional<T>& from_file) {
  if (Typed(args, option) || !from_file) return typed;
  return *from_file;
}

// Overlays the meter options typed on the command line on a meter of the file.
void OverlayTypedMeterOptions(const RunArgs& args, MeterEntry& entry) {
  const MeterArgs& typed = args.meter;
  MeterArgs& out = entry.args;
  const auto take = [&](std::string_view option, auto field) {
    if (!Typed(args, option)) return;
    out.*field = typed.*field;
    if (std::find(entry.given.begin(), entry.given.end(), option) == entry.given.end()) {
      entry.given.emplace_back(option);
    }
  };
  take("--variant", &MeterArgs::variant);
  take("--ct", &MeterArgs::ct);
  take("--serial", &MeterArgs::serial);
  take("--id", &MeterArgs::id);
  take("--combined-code", &MeterArgs::combined_code);
  take("--s0-rate", &MeterArgs::s0_rate);
  take("--wiring", &MeterArgs::wiring);
  take("--tariff", &MeterArgs::tariff);
  take("--identity", &MeterArgs::identity);
}

bool AnyMeterOptionTyped(const RunArgs& args) {
  for (const char* option : kMeterOptionNames) {
    if (Typed(args, option)) return true;
  }
  return false;
}

}  // namespace

Result<RunPlan> ResolveRunPlan(const RunArgs& args, const std::optional<RunConfig>& config,
                               const char* xdg_state_home, const char* home) {
  const RunConfig file = config.value_or(RunConfig{});
  RunPlan plan;
  plan.source = Pick(args, "--source", args.source, file.source);
  plan.mqtt = file.mqtt;
  auto mqtt_publish = ResolveMqttPublish(args.mqtt_publish, file.mqtt_publish);
  if (!mqtt_publish.ok()) return mqtt_publish.status();
  plan.mqtt_publish = std::move(*mqtt_publish);
  plan.speed = Pick(args, "--speed", args.speed, file.speed);
  plan.seed = Pick(args, "--seed", args.seed, file.seed);
  if (!(plan.speed > 0 && plan.speed <= kMaxRunSpeed)) {
    return Status::InvalidArgument("--speed " + std::to_string(plan.speed) +
                                   " is not allowed; allowed values: above 0, at most 1000000");
  }
  const std::string save_interval =
      Pick(args, "--save-interval", args.save_interval, file.save_interval);
  auto interval = ParseDuration(save_interval);
  if (!interval.ok()) return interval.status().WithContext("--save-interval");
  if (*interval < std::chrono::milliseconds(10) || *interval > std::chrono::hours(1)) {
    return Status::InvalidArgument("--save-interval '" + save_interval +
                                   "' is not allowed; allowed values: 10ms to 1h");
  }
  plan.save_interval = *interval;
  const std::optional<std::string> stop_after = args.stop_after ? args.stop_after : file.stop_after;
  if (stop_after) {
    auto parsed = ParseDuration(*stop_after);
    if (!parsed.ok()) return parsed.status().WithContext("--stop-after");
    plan.stop_after = *parsed;
  }
  if (args.state_dir) {
    plan.state_dir = *args.state_dir;
  } else if (file.state_dir) {
    plan.state_dir = *file.state_dir;
  } else {
    auto dir = storage::DefaultStateDir(xdg_state_home, home);
    if (!dir.ok()) return dir.status();
    plan.state_dir = *dir;
  }

  std::vector<MeterEntry> entries = file.meters;
  // No file: the command line's one meter; a file of fleets only has no other meter.
  if (entries.empty() && file.fleets.empty()) entries.emplace_back();
  if ((entries.size() > 1 || !file.fleets.empty()) && AnyMeterOptionTyped(args)) {
    return Status::InvalidArgument(
        "meter options on the command line apply to a config with one meter; the config has " +
        std::to_string(entries.size()) + " [[meter]] tables" +
        (file.fleets.empty() ? "" : " and " + std::to_string(file.fleets.size()) + " [[fleet]]") +
        ": set the options there");
  }
  if (entries.size() == 1) OverlayTypedMeterOptions(args, entries[0]);
  for (MeterEntry& entry : entries) {
    auto options = ValidateMeterArgs(entry.args);
    if (!options.ok()) return options.status();
    plan.meters.push_back({*options, entry.given, entry.preset, entry.sealed || args.sealed,
                           std::nullopt, std::nullopt, false});
  }
  if (Status st = AddFleetMeters(file.fleets, args.sealed, plan); !st.ok()) return st;
  auto interfaces = ResolveInterfaces(args.interfaces, file.interfaces);
  if (!interfaces.ok()) return interfaces.status();
  plan.interfaces = std::move(*interfaces);
  for (InterfacePlan& bus : plan.fleet_ports) bus.response_delay = plan.interfaces.response_delay;
  bool any_mbus_meter = false;
  for (const PlannedMeter& m : plan.meters) {  // a fleet's meters are on its own buses only
    any_mbus_meter |= m.options.variant == Variant::kMb && !m.fleet_port;
  }
  if (Status st = RequireMbusMeter(plan.interfaces, any_mbus_meter); !st.ok()) return st;
  if (Status st = RequireWebForBuslessFleets(file.fleets, plan.interfaces); !st.ok()) return st;
  const auto own_meters = std::count_if(plan.meters.begin(), plan.meters.end(),
                                        [](const PlannedMeter& m) { return !m.in_fleet; });
  if (Status st = RequirePublishedMeter(plan.mqtt_publish.has_value(),
                                        static_cast<std::size_t>(own_meters));
      !st.ok()) {
    return st;
  }
  return plan;
}

}  // namespace pro380::app
