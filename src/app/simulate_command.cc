#include "app/simulate_command.h"

#include <cstdio>
#include <iostream>

#include "app/duration_arg.h"
#include "app/exit_status.h"
#include "app/json_output.h"
#include "app/record_feeder.h"
#include "app/waveform_feeder.h"
#include "metering/readings.h"
#include "source/open_source.h"

namespace pro380::app {

CLI::App* AddSimulateCommand(CLI::App& app, SimulateArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Run a meter on a source as fast as possible and print its final state");
  cmd->add_option("--source", args.source, "source spec (const:…, sim:NAME, csv:FILE, wave:FILE)")
      ->required();
  cmd->add_option("--duration", args.duration,
                  "meter time to simulate, e.g. 1h, 30d, 1y (files: default to their end)");
  cmd->add_option("--start", args.start,
                  "meter time at the start, YYYY-MM-DDTHH:MM:SSZ (default 2026-01-01T00:00:00Z)");
  cmd->add_option("--seed", args.seed, "scenario seed (default 1)");
  cmd->add_flag("--json", args.json, "print one JSON object");
  AddMeterOptions(*cmd, args.meter);
  return cmd;
}

Result<TimePoint> ParseTime(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) !=
          7 ||
      tail != 'Z' || copy.size() != 20) {
    return Status::InvalidArgument("--start '" + copy +
                                   "' is not a time like 2026-01-01T00:00:00Z");
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
    return Status::InvalidArgument("--start '" + copy + "' is not a valid calendar time");
  }
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s);
}

namespace {

int Fail(const Status& status) { return ReportFailure("simulate", status); }

void PrintText(const metering::Readings& readings) {
  for (const metering::Quantity& q : metering::kQuantities) {
    std::printf("%-36s %16.6f %s\n", std::string(q.name).c_str(), readings[q.id],
                std::string(q.unit).c_str());
  }
}

}  // namespace

int RunSimulate(const SimulateArgs& args) {
  auto options = ValidateMeterArgs(args.meter);
  if (!options.ok()) return Fail(options.status());
  auto start = ParseTime(args.start);
  if (!start.ok()) return Fail(start.status());
  options->meter.start = *start;

  std::optional<Duration> duration;
  if (args.duration) {
    auto parsed = ParseDuration(*args.duration);
    if (!parsed.ok()) return Fail(parsed.status().WithContext("--duration"));
    duration = *parsed;
  }

  auto opened = source::OpenSource(args.source, {.start = *start, .seed = args.seed});
  if (!opened.ok()) return Fail(opened.status().WithContext("--source"));
  if (!duration && !opened->finite) {
    return Fail(Status::InvalidArgument("--duration is required for source '" + args.source +
                                        "' (it never ends by itself)"));
  }
  metering::Meter meter(options->meter);
  if (opened->records) {
    RecordFeeder feeder(*opened->records);
    auto applied = feeder.Feed(meter, duration.value_or(Duration::max()));
    if (!applied.ok()) return Fail(applied.status());
  } else {
    auto fed = FeedWaveform(*opened->waveform, meter, duration);
    if (!fed.ok()) return Fail(fed.status().WithContext("--source '" + args.source + "'"));
  }

  const metering::Readings readings = metering::Read(meter);
  if (args.json) {
    nlohmann::ordered_json out;
    out["quantities"] = QuantitiesJson(readings);
    out["meter"] = {
        {"variant", VariantName(options->variant)},
        {"serial", options->serial},
        {"id", options->id},
        {"ct", options->meter.ct_variant},
        {"wiring", metering::WiringName(options->meter.wiring)},
        {"start", FormatTime(*start)},
        {"end", FormatTime(meter.now())},
        {"simulated_seconds", ToSeconds(meter.now() - *start)},
    };
    out["source"] = args.source;
    std::cout << out.dump(2) << "\n";
  } else {
    std::printf("meter time %s .. %s\n", FormatTime(*start).c_str(),
                FormatTime(meter.now()).c_str());
    PrintText(readings);
  }
  return 0;
}

}  // namespace pro380::app
