#include "app/run_command.h"

#include <unistd.h>

#include <algorithm>
#include <asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/fleet_plan.h"
#include "app/fleet_ports.h"
#include "app/fleet_steps.h"
#include "app/iec_service.h"
#include "app/interface_counters.h"
#include "app/json_output.h"
#include "app/live_meters.h"
#include "app/live_source_port.h"
#include "app/mbus_interfaces.h"
#include "app/mbus_service.h"
#include "app/modbus_service.h"
#include "app/mqtt_publisher.h"
#include "app/panel_driver.h"
#include "app/periodic_saver.h"
#include "app/record_feeder.h"
#include "app/run_check.h"
#include "app/run_config.h"
#include "app/run_plan.h"
#include "app/terminal_view.h"
#include "app/wall_clock.h"
#include "app/web_service.h"
#include "device/pro380_iec_provider.h"
#include "device/pro380_mbus_device.h"
#include "device/pro380_register_bank.h"
#include "metering/readings.h"
#include "storage/state_store.h"

namespace pro380::app {
namespace {

int Fail(const Status& status) { return ReportFailure("run", status); }

void PrintLine(const metering::Meter& meter) {
  using metering::QuantityId;
  const metering::Readings r = metering::Read(meter);
  std::printf("%s", FormatTime(meter.now()).c_str());
  for (int k = 0; k < metering::kPhaseCount; ++k) {
    const auto at = [k](QuantityId base) {
      return static_cast<QuantityId>(static_cast<int>(base) + k);
    };
    std::printf("  L%d %6.1f V %7.3f A %7.3f kW", k + 1, r[at(QuantityId::kVoltageL1V)],
                r[at(QuantityId::kCurrentL1A)], r[at(QuantityId::kActivePowerL1Kw)]);
  }
  std::printf("  | P %7.3f kW  %.0f Hz  T%.0f  total %.3f kWh  fwd %.3f kWh  rev %.3f kWh%s\n",
              r[QuantityId::kActivePowerKw], r[QuantityId::kFrequencyHz], r[QuantityId::kTariff],
              r[QuantityId::kActiveEnergyKwh], r[QuantityId::kForwardActiveEnergyKwh],
              r[QuantityId::kReverseActiveEnergyKwh],
              meter.diagnostics().eeprom_ok ? "" : "  [state NOT saved: see stderr]");
  std::fflush(stdout);
}

}  // namespace

CLI::App* AddRunCommand(CLI::App& app, RunArgs& args) {
  CLI::App* cmd = app.add_subcommand("run", "Run live meters");
  cmd->add_option("--config", args.config, "TOML configuration file (docs/config.md)");
  cmd->add_option("--source", args.source, "source spec (default sim:household)");
  cmd->add_option("--speed", args.speed,
                  "meter clock speed relative to the wall clock (default 1)");
  cmd->add_option("--stop-after", args.stop_after,
                  "stop by itself after this wall-clock time, e.g. 5s");
  cmd->add_option("--seed", args.seed, "scenario seed (default 1)");
  cmd->add_option("--state", args.state_dir,
                  "state directory (default $XDG_STATE_HOME/pro380, else ~/.local/state/pro380)");
  cmd->add_option("--save-interval", args.save_interval,
                  "wall time between state saves (default 1s)");
  cmd->add_flag("--sealed", args.sealed, "refuse every write from every bus");
  cmd->add_option("--s0-forward-gpio", args.gpio.s0_forward,
                  "forward S0 output (terminals 18/19) on GPIO CHIP:LINE (libgpiod builds)");
  cmd->add_option("--s0-reverse-gpio", args.gpio.s0_reverse,
                  "reverse S0 output (terminals 20/21) on GPIO CHIP:LINE (libgpiod builds)");
  cmd->add_option("--tariff-gpio", args.gpio.tariff,
                  "tariff input (terminals 24/25, active = T2) on GPIO CHIP:LINE");
  cmd->add_option("--mqtt-publish", args.mqtt_publish,
                  "publish the meters' quantities to mqtt[s]://HOST:PORT[/PREFIX] (docs/mqtt.md)");
  cmd->add_option("--terminal", args.terminal,
                  "live LCD view redrawn in place: auto (when stdout is a terminal), on, off");
  cmd->add_flag("--check", args.check,
                "check the command line, config file and source; print what would start, start "
                "nothing (exit 0, or 2 naming the problem)");
  AddMeterOptions(*cmd, args.meter);
  AddInterfaceOptions(*cmd, args.interfaces);
  cmd->callback([cmd, &args] {
    for (const CLI::Option* option : cmd->get_options()) {
      if (option->count() > 0) args.given_run_options.push_back(option->get_name());
    }
  });
  return cmd;
}

namespace {

void PrintMeterLine(const LiveMeter& m, bool with_serial) {
  if (with_serial) std::printf("%s ", m.serial.c_str());
  PrintLine(*m.meter);
}

// The terminal view: every meter's LCD and key figures over the previous drawing.
void DrawTerminal(const std::vector<LiveMeter>& meters, TimePoint panel_now, int& drawn_lines) {
  std::vector<std::string> lines;
  for (const LiveMeter& m : meters) {
    const metering::Readings readings = metering::Read(*m.meter);
    const std::vector<std::string> block = TerminalBlock(
        {m.serial, m.panel->View(panel_now), m.panel->Led(metering::EnergyKind::kActive),
         m.panel->Led(metering::EnergyKind::kReactive), &readings});
    lines.insert(lines.end(), block.begin(), block.end());
  }
  const std::string text = RedrawInPlace(lines, drawn_lines);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  drawn_lines = static_cast<int>(lines.size());
}

// Runs `io` until it is stopped. After each burst of work the loop keeps polling for a short
// while before it sleeps in the kernel: a client that polls back to back then finds the meter
// awake, which saves the sleep and wake-up per request that dominate the CPU cost of a small
// request (docs/performance.md, "The Modbus TCP pair"). An idle meter (one poll a second) spins
// 50 µs per request, nothing otherwise.
void RunEventLoop(asio::io_context& io) {
  constexpr auto kSpin = std::chrono::microseconds(50);
  auto busy_until = std::chrono::steady_clock::now() + kSpin;
  while (!io.stopped()) {
    if (io.poll() > 0) {
      busy_until = std::chrono::steady_clock::now() + kSpin;
    } else if (std::chrono::steady_clock::now() >= busy_until) {
      io.run_one();
      busy_until = std::chrono::steady_clock::now() + kSpin;
    }
  }
}

// "combined_code: 1 -> 4", numbers as short as they are exact.
std::string ChangeDetail(const device::SettingChange& change) {
  const auto text = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return std::string(buffer);
  };
  return std::string(change.setting) + ": " + text(change.old_value) + " -> " +
         text(change.new_value) + (change.persist ? "" : " (not kept across a power loss)");
}

}  // namespace

int RunRun(const RunArgs& args) {
  std::optional<RunConfig> config;
  if (args.config) {
    auto loaded = LoadRunConfig(*args.config);
    if (!loaded.ok()) {  // an unreadable --config is a bad command line, like a bad value
      return Fail(Status::InvalidArgument("--config: " + loaded.status().message()));
    }
    config = std::move(*loaded);
  }
  auto resolved = ResolveRunPlan(args, config, std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
  if (!resolved.ok()) return Fail(resolved.status());
  const RunPlan& plan = *resolved;
  auto terminal_mode = ParseTerminalMode(args.terminal);
  if (!terminal_mode.ok()) return Fail(terminal_mode.status());
  const bool terminal = TerminalViewEnabled(*terminal_mode, isatty(STDOUT_FILENO) == 1);
  auto gpio_plan = ParseGpioArgs(args.gpio, plan.meters.size());
  if (!gpio_plan.ok()) return Fail(gpio_plan.status());
  const TimePoint wall_start = WallNow();
  // The source is opened once before the store so that a bad --source writes nothing.
  if (auto probe = OpenMeterSource(plan, 0, wall_start); !probe.ok()) return Fail(probe.status());
  if (args.check) {  // docs/config.md, "Checking a file": nothing opened, bound or written
    for (const std::string& line : DescribeCheckedPlan(plan)) std::printf("%s\n", line.c_str());
    return kExitOk;
  }

  auto store = storage::StateStore::Open(plan.state_dir);
  if (!store.ok()) return Fail(store.status());
  auto started_meters = StartMeters(plan, **store, wall_start);
  if (!started_meters.ok()) return Fail(started_meters.status());
  std::vector<LiveMeter>& meters = started_meters->meters;
  std::vector<storage::Event>& events = started_meters->events;
  std::vector<SavedMeter> saved;
  for (LiveMeter& m : meters) saved.push_back({m.serial, m.meter.get(), m.settings.get()});
  // A store that opened but cannot be written (disk full, I/O errors) does not stop the meters:
  // they run from memory and the saver retries (docs/decisions/state.md).
  PeriodicSaver saver(**store, saved);

  // Every accepted write is logged and saved at once (after the reply), as the real meter
  // writes its EEPROM; the saver keeps the events of a failed save for the next one.
  asio::io_context io;
  std::vector<storage::Event> changes;
  bool save_posted = false;
  const auto record_change = [&](storage::Event event) {
    changes.push_back(std::move(event));
    if (save_posted) return;
    save_posted = true;
    asio::post(io, [&] {
      save_posted = false;
      saver.Save(std::exchange(changes, {}));
    });
  };
  const auto change_sink = [&](const std::string& serial, const metering::Meter* meter) {
    return [&, serial, meter](const device::SettingChange& change) {
      const modbus::WriteContext* context = change.context;
      record_change({WallNow(), meter->now(), serial, storage::EventKind::kSettingChange,
                     context ? std::string(context->interface) : "",
                     context ? std::string(context->client) : "", ChangeDetail(change)});
    };
  };
  std::vector<ModbusUnit> units;
  std::vector<MbusUnit> mbus_units;
  std::vector<std::vector<ModbusUnit>> fleet_units;     // by fleet port
  std::vector<std::vector<MbusUnit>> fleet_mbus_units;  // by fleet port
  for (size_t k = 0; k < meters.size(); ++k) {
    LiveMeter& m = meters[k];
    m.bank = std::make_unique<device::Pro380RegisterBank>(*m.meter, *m.settings);
    m.bank->set_sealed(plan.meters[k].sealed);
    m.bank->set_change_sink(change_sink(m.serial, m.meter.get()));
    if (m.variant == Variant::kMb) {
      // A PRO380-Mb answers M-Bus only; a PRO380-Mod Modbus only (docs/protocols/mbus.md).
      m.mbus = std::make_unique<device::Pro380MbusDevice>(*m.meter, *m.settings);
      m.mbus->set_sealed(plan.meters[k].sealed);
      m.mbus->set_change_sink(change_sink(m.serial, m.meter.get()));
    }
    if (const auto& port = plan.meters[k].fleet_port; port && m.variant == Variant::kMb) {
      fleet_mbus_units.resize(plan.fleet_ports.size());
      fleet_mbus_units[*port].push_back({m.serial, m.meter.get(), m.settings.get(), m.mbus.get()});
    } else if (m.variant == Variant::kMb) {
      mbus_units.push_back({m.serial, m.meter.get(), m.settings.get(), m.mbus.get()});
    } else if (port) {
      fleet_units.resize(plan.fleet_ports.size());
      fleet_units[*port].push_back({m.serial, m.meter.get(), m.settings.get(), m.bank.get()});
    } else if (m.variant == Variant::kMod) {
      units.push_back({m.serial, m.meter.get(), m.settings.get(), m.bank.get()});
    }
  }
  // The web face (--http): prepared before the interfaces, whose frames it logs.
  std::vector<std::unique_ptr<WebPanel>> web_panels;  // the panels as the web page drives them
  std::unique_ptr<WebService> web;
  if (plan.interfaces.http) {
    web::MeterAccess access;
    for (LiveMeter& m : meters) {
      access.meters.push_back({m.serial, std::string(VariantName(m.variant)), m.meter.get(),
                               m.settings.get(), m.bank.get(), m.variant == Variant::kMod,
                               m.mbus.get()});
      access.meters.back().source = m.live.get();
    }
    access.wall_now = WallNow;
    web = std::make_unique<WebService>(io, std::move(access));
    if (auto earlier = (*store)->ReadEvents(); earlier.ok()) {
      const size_t skip = earlier->size() > web::EventLog::kCapacity
                              ? earlier->size() - web::EventLog::kCapacity
                              : 0;
      for (size_t i = skip; i < earlier->size(); ++i) web->AddEvent((*earlier)[i].event);
    }
    saver.set_saved_event_observer([&web](const storage::Event& e) { web->AddEvent(e); });
  }
  // Every PRO380 has the optical port; the ports of the plan reach the first meter.
  device::Pro380IecProvider iec_provider(*meters.front().meter, *meters.front().settings,
                                         ModelName(meters.front().variant));
  iec_provider.set_sealed(plan.meters.front().sealed);
  if (web && !(plan.interfaces.iec.empty() && plan.interfaces.iec_tcp.empty())) {
    web->access().meters.front().iec = &iec_provider;
  }
  // The interfaces open before the first save: a port in use or a missing device is a runtime
  // failure (exit 1) that leaves the store as it was, without a power cycle counted.
  auto modbus = ModbusService::Open(io, plan.interfaces, units, web ? web->tap() : nullptr);
  if (!modbus.ok()) return Fail(modbus.status());
  auto fleet = FleetPorts::Open(io, plan.fleet_ports, fleet_units, fleet_mbus_units,
                                web ? web->tap() : nullptr);
  if (!fleet.ok()) return Fail(fleet.status());
  auto mbus = MbusService::Open(io, plan.interfaces, mbus_units, web ? web->tap() : nullptr);
  if (!mbus.ok()) return Fail(mbus.status());
  auto iec = IecService::Open(io, plan.interfaces, iec_provider, web ? web->tap() : nullptr);
  if (!iec.ok()) return Fail(iec.status());
  // Line settings written from elsewhere than a line (REST, the optical port) switch the lines
  // that follow their meter at once: they have no reply of their own to wait for.
  const auto follow_meters = [service = modbus->get(), mbus_service = mbus->get(),
                              fleet_buses = fleet->get()] {
    for (const auto& line : service->rtu_lines()) line->FollowMeter();
    for (const auto& line : mbus_service->lines()) line->FollowMeter();
    fleet_buses->FollowMeters();
  };
  iec_provider.set_change_sink(
      [&io, follow_meters, sink = change_sink(meters.front().serial, meters.front().meter.get())](
          const device::SettingChange& change) {
        sink(change);
        asio::post(io, follow_meters);  // after the optical port's answer is on its way
      });
  if (web) {
    web->access().counters = [modbus_service = modbus->get(), mbus_service = mbus->get(),
                              iec_service = iec->get(), fleet_buses = fleet->get()] {
      std::vector<web::InterfaceCounters> all = ModbusCounters(*modbus_service);
      for (auto& c : MbusCounters(*mbus_service)) all.push_back(std::move(c));
      for (auto& c : iec_service->Counters()) all.push_back(std::move(c));
      for (auto& c : fleet_buses->Counters()) all.push_back(std::move(c));
      return all;
    };
    web->access().settings_written = follow_meters;
    if (Status st = web->Listen({*plan.interfaces.http, plan.interfaces.http_token}); !st.ok()) {
      return Fail(st);
    }
  }
  std::unique_ptr<GpioService> gpio;
  if (args.gpio.any()) {
    LiveMeter& m = meters.front();
    auto opened = GpioService::Open(
        io, *gpio_plan, *m.meter,
        [&, serial = m.serial, meter = m.meter.get()](metering::Tariff from, metering::Tariff to) {
          record_change({WallNow(), meter->now(), serial, storage::EventKind::kSettingChange,
                         "tariff_input", "",
                         "tariff: " + std::to_string(static_cast<int>(from) + 1) + " -> " +
                             std::to_string(static_cast<int>(to) + 1)});
        });
    if (!opened.ok()) return Fail(opened.status());
    gpio = std::move(*opened);
  }
  saver.Save(std::move(events));

  std::printf("pro380 run: %zu meter(s), source %s, speed %g, state %s (Ctrl-C to stop)\n",
              meters.size(), plan.source.c_str(), plan.speed, (*store)->path().c_str());
  for (const std::string& line : started_meters->start_lines) std::printf("%s\n", line.c_str());
  for (const std::string& line : (*modbus)->Describe()) std::printf("%s\n", line.c_str());
  for (const std::string& line : (*fleet)->Describe()) std::printf("%s\n", line.c_str());
  for (const std::string& line : DescribeBuslessFleetMeters(plan.meters)) {
    std::printf("%s\n", line.c_str());
  }
  for (const std::string& line : (*mbus)->Describe()) std::printf("%s\n", line.c_str());
  if (web) std::printf("%s\n", web->Describe().c_str());
  for (const std::string& line : (*iec)->Describe()) std::printf("%s\n", line.c_str());
  std::fflush(stdout);  // a supervisor sees the start at once, not with the first live line

  // The live sources' clients (docs/sources.md); destroyed before the loop they post to.
  auto live_clients = StartLiveClients(io, plan, meters);
  if (!live_clients.ok()) return Fail(live_clients.status());
  // MQTT publishing (docs/mqtt.md), off unless a broker is named; after the feeds, so that it is
  // destroyed first and its "offline" goes out while the meters still exist.
  std::unique_ptr<MqttPublisher> mqtt_publisher;
  if (plan.mqtt_publish) {
    std::vector<PublishedMeter> published;
    for (const LiveMeter& m : meters) {
      if (m.in_fleet) continue;  // a fleet's meters are never published (docs/mqtt.md, "Fleets")
      published.push_back(
          {m.serial, ModelName(m.variant), m.meter.get(), m.bank.get(), m.settings.get()});
    }
    auto started =
        MqttPublisher::Start(io, *plan.mqtt_publish, std::move(published), follow_meters);
    if (!started.ok()) return Fail(started.status());
    mqtt_publisher = std::move(*started);
    if (web) {  // its counters with the interfaces' (the web reads them on this loop only)
      web->access().counters = [others = std::move(web->access().counters),
                                publisher = mqtt_publisher.get()] {
        std::vector<web::InterfaceCounters> all = others();
        all.push_back(publisher->Counters());
        return all;
      };
    }
    std::printf("%s\n", mqtt_publisher->Describe().c_str());
    std::fflush(stdout);
  }

  const bool with_serial = meters.size() > 1;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point wall_zero = Clock::now();
  // Panel time: monotonic wall time since the start; only scrolling follows --speed.
  const auto panel_now = [&] { return TimePoint{} + (Clock::now() - wall_zero); };
  for (LiveMeter& m : meters) {
    m.panel = std::make_unique<PanelDriver>(
        *m.meter, *m.settings,
        device::FrontPanelOptions{.has_bus = m.variant != Variant::kS,
                                  .mbus = m.variant == Variant::kMb,
                                  .scroll_speed = plan.speed},
        panel_now(), [&, serial = m.serial, meter = m.meter.get()](const device::AppliedWrite& w) {
          record_change({WallNow(), meter->now(), serial, storage::EventKind::kSettingChange,
                         "panel", "",
                         ChangeDetail({w.setting, w.old_value, w.new_value, w.persist})});
        });
  }
  // The web page's buttons and LCD (tasks run on this loop only once it runs).
  for (size_t k = 0; web && k < meters.size(); ++k) {
    web_panels.push_back(std::make_unique<WebPanel>(*meters[k].panel, panel_now));
    web->access().meters[k].panel = web_panels.back().get();
  }
  if (web) web->access().speed = plan.speed;  // LED pulse times in wall time (docs/web.md)
  Clock::time_point last = wall_zero;
  Clock::time_point next_print = wall_zero + std::chrono::seconds(1);
  Clock::time_point next_save = wall_zero + plan.save_interval;
  double carried_ns = 0;   // meter time owed below one nanosecond of a sped-up step
  FleetSteps fleet_steps;  // a fleet's meter time owed below a whole record
  constexpr auto kDrawPeriod = std::chrono::milliseconds(200);
  Clock::time_point next_draw = wall_zero + kDrawPeriod;
  int drawn_lines = 0;
  if (terminal) DrawTerminal(meters, panel_now(), drawn_lines);  // the power-on page
  int status = kExitOk;
  bool by_signal = false;

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code ec, int) {
    if (ec) return;
    by_signal = true;
    io.stop();
  });
  // The meters advance on a 100 ms tick (and at each print and save); the buses read them
  // between ticks from the same thread.
  asio::steady_timer tick(io);
  std::function<void()> on_tick = [&] {
    const Clock::time_point now = Clock::now();
    const double owed =
        static_cast<double>(std::chrono::duration_cast<Duration>(now - last).count()) * plan.speed +
        carried_ns;
    const Duration step(static_cast<int64_t>(owed));
    carried_ns = owed - static_cast<double>(step.count());
    last = now;
    bool running = true;
    // A fleet's meters take whole records, one at a time, about once a second (FleetSteps).
    const int64_t fleet_records = fleet_steps.Take(step) / FleetSteps::kStep;
    for (LiveMeter& m : meters) {
      if (m.in_fleet && fleet_records == 0) continue;
      const Duration span = m.in_fleet ? FleetSteps::kStep : step;
      auto applied = m.in_fleet ? FeedSpans(*m.feeder, *m.meter, span, fleet_records)
                                : m.feeder->Feed(*m.meter, span);
      if (!applied.ok()) {
        status = Fail(applied.status());
        running = false;
      } else if (*applied < span) {
        std::printf("%s%ssource ended\n", with_serial ? m.serial.c_str() : "",
                    with_serial ? " " : "");
        running = false;
      }
    }
    for (LiveMeter& m : meters) {
      if (!m.live) continue;
      if (const auto change = m.live->StateChange()) {
        std::printf("%s%s%s\n", with_serial ? m.serial.c_str() : "", with_serial ? " " : "",
                    LiveStateLine(*m.live, *change).c_str());
        std::fflush(stdout);  // a supervisor's log shows it when it happens
      }
    }
    if (web) web->Publish(WallNow());
    const TimePoint panel_tick = panel_now();  // one clock read for the whole fleet
    for (LiveMeter& m : meters) m.panel->Advance(panel_tick);
    if (gpio) gpio->Tick();
    if (terminal && now >= next_draw) {
      DrawTerminal(meters, panel_now(), drawn_lines);
      next_draw = now + kDrawPeriod;
    }
    // Saved before printed: a line on the output is never more than one save interval ahead of
    // the store, however late a starved process wakes (the crash test's bound).
    if (now >= next_save) {
      saver.Save(std::exchange(changes, {}));  // a failure is reported and retried next interval
      next_save = now + plan.save_interval;
    }
    if (now >= next_print && terminal) {
      for (LiveMeter& m : meters) m.printed_at = m.meter->now();
      next_print += std::chrono::seconds(1);
    } else if (now >= next_print) {
      for (LiveMeter& m : meters) {
        if (m.in_fleet) continue;
        PrintMeterLine(m, with_serial);
        m.printed_at = m.meter->now();
      }
      next_print += std::chrono::seconds(1);
    }
    if (!running || (plan.stop_after && now - wall_zero >= *plan.stop_after)) {
      io.stop();
      return;
    }
    tick.expires_at(std::min({next_print, next_save, now + std::chrono::milliseconds(100)}));
    tick.async_wait([&](std::error_code ec) {
      if (!ec) on_tick();
    });
  };
  tick.expires_after(std::chrono::milliseconds(100));
  tick.async_wait([&](std::error_code ec) {
    if (!ec) on_tick();
  });
  RunEventLoop(io);
  if (web) web->Stop();  // its threads end before the meters and interfaces they reach
  modbus->reset();       // no request is answered after the final save
  fleet->reset();
  iec->reset();
  mbus->reset();

  // The fleet's part-record owed, so that a stop loses nothing (docs/decisions/state.md).
  if (const Duration owed = fleet_steps.Flush(); owed > Duration::zero()) {
    for (LiveMeter& m : meters) {
      if (!m.in_fleet) continue;
      // An ended source gives less (nothing to add); a failing one fails the run.
      if (auto applied = m.feeder->Feed(*m.meter, owed); !applied.ok()) {
        status = Fail(applied.status());
      }
    }
  }
  const std::string why = by_signal ? "signal" : (status == kExitOk ? "stop" : "failure");
  std::vector<storage::Event> stops = std::exchange(changes, {});
  for (LiveMeter& m : meters) {
    if (m.meter->now() != m.printed_at && !m.in_fleet)
      PrintMeterLine(m, with_serial);  // the state at the stop
    stops.push_back(
        {WallNow(), m.meter->now(), m.serial, storage::EventKind::kPowerDown, "app", "", why});
  }
  if (Status st = saver.Save(std::move(stops)); !st.ok()) {
    return Fail(st.WithContext("final save"));
  }
  return status;
}

}  // namespace pro380::app
