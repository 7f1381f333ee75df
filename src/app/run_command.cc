#include "app/run_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <thread>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/json_output.h"
#include "app/record_feeder.h"
#include "metering/ct_ratio.h"
#include "metering/meter_state.h"
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
  std::printf("  | P %7.3f kW  %.0f Hz  T%.0f  total %.3f kWh  fwd %.3f kWh  rev %.3f kWh\n",
              r[QuantityId::kActivePowerKw], r[QuantityId::kFrequencyHz], r[QuantityId::kTariff],
              r[QuantityId::kActiveEnergyKwh], r[QuantityId::kForwardActiveEnergyKwh],
              r[QuantityId::kReverseActiveEnergyKwh]);
  std::fflush(stdout);
}

// The offset of this machine's local time (TZ) from UTC at `t`.
Duration LocalUtcOffset(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(t));
  std::tm local{};
  if (localtime_r(&seconds, &local) == nullptr) return Duration::zero();
  return std::chrono::seconds(local.tm_gmtoff);
}

TimePoint WallNow() {
  return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
}

bool Given(const RunArgs& args, std::string_view option) {
  for (const std::string& g : args.given_meter_options) {
    if (g == option) return true;
  }
  return false;
}

std::string CodeText(metering::CombinedCode code) { return std::to_string(static_cast<int>(code)); }

std::string RateText(const metering::S0Rate& rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate.impulses_per_kwh);
  return text;
}

// Brings the command line's meter options to a saved meter (docs/decisions/state.md): the saved
// state wins for everything it holds; an option typed on the command line that disagrees is
// applied through the meter's own setting rules (and logged), or refused when the meter refuses
// it (locked C-10, locked CT ratio) or when it describes another meter (variant, wiring).
// Returns the setting-change events, or InvalidArgument naming the option.
Result<std::vector<storage::Event>> ApplyGivenOptions(const RunArgs& args,
                                                      const MeterOptions& options,
                                                      const std::string& path,
                                                      metering::Meter& meter) {
  std::vector<storage::Event> events;
  const metering::MeterConfig saved = meter.config();
  const metering::MeterConfig& wanted = options.meter;
  const std::string where = "the meter " + options.serial + " saved in " + path;
  const auto refuse = [&](std::string_view option, const std::string& why) {
    return Status::InvalidArgument("--" + std::string(option) + ": " + where + " " + why +
                                   "; drop the option to keep the saved setting, or use another "
                                   "--state directory");
  };
  const auto changed = [&](const std::string& what, const std::string& from,
                           const std::string& to) {
    events.push_back({WallNow(), meter.now(), options.serial, storage::EventKind::kSettingChange,
                      "cli", "", what + ": " + from + " -> " + to});
  };
  if (Given(args, "--ct")) {
    if (!saved.ct_variant) return refuse("ct", "is a direct meter");
    if (saved.ct_ratio != wanted.ct_ratio) {
      if (saved.ct_locked) {
        return refuse("ct", "has its CT ratio locked at " + std::to_string(saved.ct_ratio));
      }
      if (meter.SetCtRatio(wanted.ct_ratio) != metering::SettingOutcome::kApplied) {
        return refuse("ct", "refuses the ratio");
      }
      changed("ct_ratio", std::to_string(saved.ct_ratio), std::to_string(wanted.ct_ratio));
    }
    if (!meter.config().ct_locked && meter.LockCtRatio() == metering::SettingOutcome::kApplied) {
      events.push_back({WallNow(), meter.now(), options.serial, storage::EventKind::kLock, "cli",
                        "", "ct_ratio locked at " + std::to_string(wanted.ct_ratio)});
    }
  }
  if (Given(args, "--wiring") && wanted.wiring != saved.wiring) {
    return refuse("wiring", "is wired " + std::string(metering::WiringName(saved.wiring)));
  }
  if (Given(args, "--combined-code") && wanted.combined_code != saved.combined_code) {
    if (meter.SetCombinedCode(wanted.combined_code) != metering::SettingOutcome::kApplied) {
      return refuse("combined-code", "has combined code " + CodeText(saved.combined_code) +
                                         ", which is final (C-10)");
    }
    changed("combined_code", CodeText(saved.combined_code), CodeText(wanted.combined_code));
  }
  if (Given(args, "--s0-rate") && !(wanted.s0_rate == saved.s0_rate)) {
    if (meter.SetS0Rate(wanted.s0_rate.impulses_per_kwh) != metering::SettingOutcome::kApplied) {
      return refuse("s0-rate", "refuses the rate");
    }
    changed("s0_rate", RateText(saved.s0_rate), RateText(wanted.s0_rate));
  }
  if (Given(args, "--tariff") && wanted.tariff != saved.tariff) {
    meter.SetTariff(wanted.tariff);
    changed("tariff", saved.tariff == metering::Tariff::kT2 ? "2" : "1",
            wanted.tariff == metering::Tariff::kT2 ? "2" : "1");
  }
  return events;
}

// Saves the meter every interval of wall time and reports the health of the saves: a failure is
// printed once and clears the meter's EEPROM diagnostic until a save succeeds again.
class PeriodicSaver {
 public:
  PeriodicSaver(storage::StateStore& store, std::string key)
      : store_(store), key_(std::move(key)) {}

  // Returns the save's status; on a change between failing and working it prints one line.
  Status Save(metering::Meter& meter, std::vector<storage::Event> events) {
    if (!failure_.empty()) {
      events.push_back({WallNow(), meter.now(), key_, storage::EventKind::kError, "app", "",
                        "saves failed: " + failure_});
    }
    const storage::MeterRecord record{key_, meter.state()};
    Status st = store_.Save({&record, 1}, events, WallNow());
    if (st.ok() && !failure_.empty()) {
      std::fprintf(stderr, "pro380 run: saving the state works again\n");
      failure_.clear();
      meter.set_eeprom_ok(true);
    } else if (!st.ok() && failure_.empty()) {
      std::fprintf(stderr, "pro380 run: saving the state failed (retrying): %s\n",
                   st.message().c_str());
      failure_ = st.message();
      meter.set_eeprom_ok(false);
    }
    return st;
  }

 private:
  storage::StateStore& store_;
  std::string key_;
  std::string failure_;  // the first message of the current run of failures; empty = healthy
};

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
  auto saved = (*store)->Load(options->serial);
  if (!saved.ok()) return Fail(saved.status());
  std::vector<storage::Event> events;
  std::unique_ptr<metering::Meter> meter;
  if (saved->has_value()) {
    // Meter time never runs backwards: it continues from the saved time or, after an outage,
    // from the host's clock (docs/decisions/state.md).
    metering::MeterState state = **saved;
    if (state.config.start > wall_start) {
      events.push_back({wall_start, state.config.start, options->serial,
                        storage::EventKind::kTimeJump, "app", "",
                        "meter clock is ahead of the host clock by " +
                            std::to_string(ToSeconds(state.config.start - wall_start)) +
                            " s; meter time continues from the saved time"});
    } else {
      state.config.start = wall_start;
    }
    meter = std::make_unique<metering::Meter>(state);
    auto changes = ApplyGivenOptions(args, *options, (*store)->path(), *meter);
    if (!changes.ok()) return Fail(changes.status());
    events.insert(events.end(), changes->begin(), changes->end());
    if (meter->now() != wall_start) {
      opened = open_source(meter->now());
      if (!opened.ok()) return Fail(opened.status().WithContext("--source"));
    }
  } else {
    options->meter.start = wall_start;
    meter = std::make_unique<metering::Meter>(options->meter);
  }
  // Real meter register 0x4016: every start counts.
  meter->set_power_down_count(meter->power_down_count() + 1);
  events.insert(events.begin(),
                {wall_start, meter->now(), options->serial, storage::EventKind::kPowerUp, "app", "",
                 saved->has_value() ? "resumed" : "new meter"});
  const storage::MeterRecord first{options->serial, meter->state()};
  if (Status st = (*store)->Save({&first, 1}, events, wall_start); !st.ok()) return Fail(st);
  PeriodicSaver saver(**store, options->serial);

  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  RecordFeeder feeder(*opened->records);
  std::printf("pro380 %s meter, serial %s, source %s, speed %g (Ctrl-C to stop)\n",
              std::string(VariantName(options->variant)).c_str(), options->serial.c_str(),
              args.source.c_str(), args.speed);
  std::printf("state %s: %s, power-down count %lld\n", (*store)->path().c_str(),
              saved->has_value() ? "resumed" : "new meter",
              static_cast<long long>(meter->power_down_count()));

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
      saver.Save(*meter, {});  // a failure is reported by the saver and retried next interval
      next_save = now + *save_interval;
    }
    if (stop_after && now - wall_zero >= *stop_after) break;
  }
  if (meter->now() != printed_at) PrintLine(*meter);  // the state at the stop
  const std::string why = g_stop.load() ? "signal" : (status == kExitOk ? "stop" : "failure");
  if (Status st = saver.Save(*meter, {{WallNow(), meter->now(), options->serial,
                                       storage::EventKind::kPowerDown, "app", "", why}});
      !st.ok()) {
    return Fail(st.WithContext("final save"));
  }
  return status;
}

}  // namespace pro380::app
