#include "app/run_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/json_output.h"
#include "app/meter_resume.h"
#include "app/periodic_saver.h"
#include "app/record_feeder.h"
#include "app/wall_clock.h"
#include "metering/readings.h"
#include "source/open_source.h"
#include "storage/state_store.h"

namespace pro380::app {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

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
  CLI::App* cmd = app.add_subcommand("run", "Run a live meter");
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
  AddMeterOptions(*cmd, args.meter);
  cmd->callback([cmd, &args] {
    for (const char* option : {"--ct", "--wiring", "--combined-code", "--s0-rate", "--tariff"}) {
      if (cmd->count(option) > 0) args.given_meter_options.emplace_back(option);
    }
  });
  return cmd;
}

int RunRun(const RunArgs& args) {
  auto options = ValidateMeterArgs(args.meter);
  if (!options.ok()) return Fail(options.status());
  if (!(args.speed > 0 && args.speed <= 1e6)) {
    return Fail(
        Status::InvalidArgument("--speed " + std::to_string(args.speed) +
                                " is not allowed; allowed values: above 0, at most 1000000"));
  }
  std::optional<Duration> stop_after;
  if (args.stop_after) {
    auto parsed = ParseDuration(*args.stop_after);
    if (!parsed.ok()) return Fail(parsed.status().WithContext("--stop-after"));
    stop_after = *parsed;
  }
  auto save_interval = ParseDuration(args.save_interval);
  if (!save_interval.ok()) return Fail(save_interval.status().WithContext("--save-interval"));
  if (*save_interval < std::chrono::milliseconds(10) || *save_interval > std::chrono::hours(1)) {
    return Fail(Status::InvalidArgument("--save-interval '" + args.save_interval +
                                        "' is not allowed; allowed values: 10ms to 1h"));
  }
  auto state_dir =
      args.state_dir ? Result<std::string>(*args.state_dir)
                     : storage::DefaultStateDir(std::getenv("XDG_STATE_HOME"), std::getenv("HOME"));
  if (!state_dir.ok()) return Fail(state_dir.status());
  const TimePoint wall_start = WallNow();
  // Scenarios read their start as local clock time (docs/scenarios.md): give them this
  // machine's local time so a live household cooks at dinner time where the user is. The source
  // is opened once before the store so that a bad --source writes nothing.
  const auto open_source = [&](TimePoint start) {
    return source::OpenSource(args.source,
                              {.start = start + LocalUtcOffset(start), .seed = args.seed});
  };
  auto opened = open_source(wall_start);
  if (!opened.ok()) return Fail(opened.status().WithContext("--source"));
  if (!opened->records) {
    return Fail(Status::InvalidArgument("--source '" + args.source +
                                        "': waveform sources are not supported by run yet"));
  }

  auto store = storage::StateStore::Open(*state_dir);
  if (!store.ok()) return Fail(store.status());
  auto started = StartMeter(**store, *options, args.given_meter_options, wall_start);
  if (!started.ok()) return Fail(started.status());
  metering::Meter* meter = started->meter.get();
  if (meter->now() != wall_start) {
    opened = open_source(meter->now());
    if (!opened.ok()) return Fail(opened.status().WithContext("--source"));
  }
  // A store that opened but cannot be written (disk full, I/O errors) does not stop the meter:
  // it runs from memory and the saver retries (docs/decisions/state.md).
  PeriodicSaver saver(**store, {{options->serial, meter}});
  saver.Save(std::move(started->events));

  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  RecordFeeder feeder(*opened->records);
  std::printf("pro380 %s meter, serial %s, source %s, speed %g (Ctrl-C to stop)\n",
              std::string(VariantName(options->variant)).c_str(), options->serial.c_str(),
              args.source.c_str(), args.speed);
  std::printf("state %s: %s, power-down count %lld\n", (*store)->path().c_str(),
              started->resumed ? "resumed" : "new meter",
              static_cast<long long>(meter->power_down_count()));
  std::fflush(stdout);  // a supervisor sees the start at once, not with the first live line

  using Clock = std::chrono::steady_clock;
  const Clock::time_point wall_zero = Clock::now();
  Clock::time_point last = wall_zero;
  Clock::time_point next_print = wall_zero + std::chrono::seconds(1);
  Clock::time_point next_save = wall_zero + *save_interval;
  double carried_ns = 0;  // meter time owed below one nanosecond of a sped-up step
  TimePoint printed_at = meter->now();
  int status = kExitOk;
  while (!g_stop.load()) {
    std::this_thread::sleep_until(
        std::min({next_print, next_save, Clock::now() + std::chrono::milliseconds(100)}));
    const Clock::time_point now = Clock::now();
    const double owed =
        static_cast<double>(std::chrono::duration_cast<Duration>(now - last).count()) * args.speed +
        carried_ns;
    const Duration step(static_cast<int64_t>(owed));
    carried_ns = owed - static_cast<double>(step.count());
    last = now;
    auto applied = feeder.Feed(*meter, step);
    if (!applied.ok()) {
      status = Fail(applied.status());
      break;
    }
    if (*applied < step) {
      std::printf("source ended\n");
      break;
    }
    if (now >= next_print) {
      PrintLine(*meter);
      printed_at = meter->now();
      next_print += std::chrono::seconds(1);
    }
    if (now >= next_save) {
      saver.Save({});  // a failure is reported by the saver and retried next interval
      next_save = now + *save_interval;
    }
    if (stop_after && now - wall_zero >= *stop_after) break;
  }
  if (meter->now() != printed_at) PrintLine(*meter);  // the state at the stop
  const std::string why = g_stop.load() ? "signal" : (status == kExitOk ? "stop" : "failure");
  if (Status st = saver.Save({{WallNow(), meter->now(), options->serial,
                               storage::EventKind::kPowerDown, "app", "", why}});
      !st.ok()) {
    return Fail(st.WithContext("final save"));
  }
  return status;
}

}  // namespace pro380::app
