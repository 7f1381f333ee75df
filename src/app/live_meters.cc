#include "app/live_meters.h"

#include <algorithm>
#include <cmath>

#include "app/mbus_interfaces.h"
#include "app/meter_resume.h"
#include "app/wall_clock.h"
#include "source/open_source.h"

namespace pro380::app {
namespace {

// Records a live meter's feeder buffers: about what one second of wall time consumes (a 1 s
// record per second at speed 1), at least 2 and at most RecordFeeder's default. The default's
// 4096 records are 557 KB, most of a meter's memory in a fleet; a live meter takes a tenth of a
// record per 100 ms tick, so a larger buffer only saves source calls at high speeds.
std::size_t FeederBatch(double speed) {
  return static_cast<std::size_t>(std::clamp(std::ceil(speed), 2.0, 4096.0));
}

// The baud rate and parity an RTU spec names become the meter's (the line and its meters
// agree), each change logged like a write from the command line.
void ApplyLineSpecs(const InterfacePlan& interfaces, const metering::Meter& meter,
                    const std::string& serial, device::DeviceSettings& settings,
                    std::vector<storage::Event>& events) {
  const device::DeviceSettings before = settings;
  for (const transport::SerialSpec& spec : interfaces.modbus_rtu) {
    if (spec.baud) settings.baud_rate = static_cast<int>(*spec.baud);
    if (spec.parity) {
      settings.parity = *spec.parity == transport::SerialParity::kNone  ? device::Parity::kNone
                        : *spec.parity == transport::SerialParity::kOdd ? device::Parity::kOdd
                                                                        : device::Parity::kEven;
    }
  }
  const auto log = [&](const char* name, int from, int to) {
    if (from == to) return;
    events.push_back(
        {WallNow(), meter.now(), serial, storage::EventKind::kSettingChange, "cli", "",
         std::string(name) + ": " + std::to_string(from) + " -> " + std::to_string(to)});
  };
  log("baud_rate", before.baud_rate, settings.baud_rate);
  log("parity", static_cast<int>(before.parity), static_cast<int>(settings.parity));
}

}  // namespace

// Opens the plan's source for one meter: scenarios read their start as local clock time
// (docs/scenarios.md), so a live household cooks at dinner time where the user is; meter k gets
// seed + k.
Result<std::unique_ptr<source::RecordSource>> OpenMeterSource(const RunPlan& plan, size_t index,
                                                              TimePoint start) {
  auto opened = source::OpenSource(plan.source,
                                   {.start = start + LocalUtcOffset(start),
                                    .seed = plan.meters[index].seed.value_or(plan.seed + index)});
  if (!opened.ok()) return opened.status().WithContext("--source");
  // The upstream of a modbus-client: source is the app's to check (transports, device maps).
  if (Status bridge = CheckBridgeSource(plan.source); !bridge.ok()) {
    return bridge.WithContext("--source");
  }
  if (!opened->records) {
    return Status::InvalidArgument("--source '" + plan.source +
                                   "': waveform sources are not supported by run yet");
  }
  return std::move(opened->records);
}

Result<StartedMeters> StartMeters(const RunPlan& plan, storage::StateStore& store,
                                  TimePoint wall_start) {
  StartedMeters out;
  std::vector<LiveMeter>& meters = out.meters;
  std::vector<storage::Event>& events = out.events;
  std::vector<std::string>& start_lines = out.start_lines;
  for (size_t k = 0; k < plan.meters.size(); ++k) {
    const PlannedMeter& planned = plan.meters[k];
    const RegisterPreset* preset = planned.preset ? &*planned.preset : nullptr;
    auto started = StartMeter(store, planned.options, planned.given, preset, wall_start);
    if (!started.ok()) return started.status();
    auto source = OpenMeterSource(plan, k, started->meter->now());
    if (!source.ok()) return source.status();
    LiveMeter& m = meters.emplace_back();
    m.serial = planned.options.serial;
    m.variant = planned.options.variant;
    m.meter = std::move(started->meter);
    m.settings = std::make_unique<device::DeviceSettings>(started->settings);
    // A fleet meter hears its fleet bus's line, every other meter [interfaces]' lines.
    const InterfacePlan& lines =
        planned.fleet_port ? plan.fleet_ports[*planned.fleet_port] : plan.interfaces;
    if (m.variant == Variant::kMb) {
      ApplyMbusLineSpecs(lines, *m.meter, m.serial, *m.settings, started->events);
    } else {
      ApplyLineSpecs(lines, *m.meter, m.serial, *m.settings, started->events);
    }
    // The identity is the firmware's, chosen by the option at every start (not a saved setting).
    m.settings->meter_code = std::nullopt;
    if (planned.options.identity == Identity::kSolarLog) {
      m.settings->meter_code = m.meter->config().ct_variant ? 0x2008 : 0x2007;
    }
    m.source = std::move(*source);
    m.feeder = std::make_unique<RecordFeeder>(*m.source, FeederBatch(plan.speed));
    m.live = MakeLiveSourcePort(plan.source, *m.source);
    m.printed_at = m.meter->now();
    m.in_fleet = planned.in_fleet;
    // A fleet meter advances in whole records (FleetSteps): it shows its first one from the start.
    if (m.in_fleet) {
      if (Status shown = m.feeder->ShowNext(*m.meter); !shown.ok()) {
        return shown.WithContext("--source");
      }
    }
    events.insert(events.end(), started->events.begin(), started->events.end());
    if (m.in_fleet) continue;  // FleetPorts::Describe names them
    start_lines.push_back(
        "pro380 " + std::string(VariantName(planned.options.variant)) + " meter, serial " +
        m.serial + (planned.sealed ? " (sealed)" : "") + ": " +
        (started->resumed ? "resumed" : "new meter") + ", power-down count " +
        std::to_string(m.meter->power_down_count()) +
        (started->preset_ignored ? "; its preset is ignored (written once, when it was new)" : ""));
  }
  return out;
}

Result<LiveClients> StartLiveClients(asio::io_context& io, const RunPlan& plan,
                                     std::vector<LiveMeter>& meters) {
  LiveClients out;
  // The mqtt:// sources' subscriptions.
  for (LiveMeter& m : meters) {
    if (!m.live || m.live->live_spec().kind != source::LiveKind::kMqtt) continue;
    auto feed =
        MqttFeed::Start(io, m.live->live_spec(), plan.mqtt, *m.live,
                        meters.size() > 1 ? m.serial + " " : "", meters.size() > 1 ? m.serial : "");
    if (!feed.ok()) return feed.status();
    out.mqtt_feeds.push_back(std::move(*feed));
  }
  // The modbus-client: sources' poll threads.
  for (LiveMeter& m : meters) {
    if (!m.live || m.live->live_spec().kind != source::LiveKind::kModbusClient) continue;
    auto bridge = ModbusBridge::Start(io, m.live->live_spec(), *m.live,
                                      meters.size() > 1 ? m.serial + " " : "");
    if (!bridge.ok()) return bridge.status();
    out.bridges.push_back(std::move(*bridge));
  }
  return out;
}

}  // namespace pro380::app
