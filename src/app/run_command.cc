#include "app/run_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <thread>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/json_output.h"
#include "app/record_feeder.h"
#include "metering/readings.h"
#include "source/open_source.h"

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

}  // namespace

CLI::App* AddRunCommand(CLI::App& app, RunArgs& args) {
  CLI::App* cmd = app.add_subcommand("run", "Run a live meter");
  cmd->add_option("--source", args.source, "source spec (default sim:household)");
  cmd->add_option("--speed", args.speed,
                  "meter clock speed relative to the wall clock (default 1)");
  cmd->add_option("--stop-after", args.stop_after,
                  "stop by itself after this wall-clock time, e.g. 5s");
  cmd->add_option("--seed", args.seed, "scenario seed (default 1)");
  AddMeterOptions(*cmd, args.meter);
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
  const TimePoint start = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  options->meter.start = start;
  // Scenarios read their start as local clock time (docs/scenarios.md): give them this
  // machine's local time so a live household cooks at dinner time where the user is.
  auto opened =
      source::OpenSource(args.source, {.start = start + LocalUtcOffset(start), .seed = args.seed});
  if (!opened.ok()) return Fail(opened.status().WithContext("--source"));
  if (!opened->records) {
    return Fail(Status::InvalidArgument("--source '" + args.source +
                                        "': waveform sources are not supported by run yet"));
  }

  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  metering::Meter meter(options->meter);
  RecordFeeder feeder(*opened->records);
  std::printf("pro380 %s meter, serial %s, source %s, speed %g (Ctrl-C to stop)\n",
              std::string(VariantName(options->variant)).c_str(), options->serial.c_str(),
              args.source.c_str(), args.speed);

  using Clock = std::chrono::steady_clock;
  const Clock::time_point wall_start = Clock::now();
  Clock::time_point last = wall_start;
  Clock::time_point next_print = wall_start + std::chrono::seconds(1);
  double carried_ns = 0;
  TimePoint printed_at = meter.now();  // meter time owed below one nanosecond of a sped-up step
  while (!g_stop.load()) {
    std::this_thread::sleep_until(
        std::min(next_print, Clock::now() + std::chrono::milliseconds(100)));
    const Clock::time_point now = Clock::now();
    const double owed =
        static_cast<double>(std::chrono::duration_cast<Duration>(now - last).count()) * args.speed +
        carried_ns;
    const Duration step(static_cast<int64_t>(owed));
    carried_ns = owed - static_cast<double>(step.count());
    last = now;
    auto applied = feeder.Feed(meter, step);
    if (!applied.ok()) return Fail(applied.status());
    if (*applied < step) {
      std::printf("source ended\n");
      break;
    }
    if (now >= next_print) {
      PrintLine(meter);
      printed_at = meter.now();
      next_print += std::chrono::seconds(1);
    }
    if (stop_after && now - wall_start >= *stop_after) break;
  }
  if (meter.now() != printed_at) PrintLine(meter);  // the state at the stop
  return 0;
}

}  // namespace pro380::app
