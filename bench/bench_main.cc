// Runs every benchmark, then prints each pair "ours versus peer" as a ratio with the goal the
// issue sets, so a reader sees at once whether a figure holds on this machine.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "bench_pairs.h"

namespace pro380::bench {
namespace {

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type != Run::RT_Iteration && run.aggregate_name != "median") continue;
      const auto it = run.counters.find("items_per_second");
      // Keyed by name and arguments, e.g. "BM_CsvIntoMeter/4".
      std::string key = run.run_name.function_name;
      if (!run.run_name.args.empty()) key += "/" + run.run_name.args;
      if (it != run.counters.end()) rates[key] = it->second.value;
      const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
      seconds[key] = run.GetAdjustedRealTime() / unit;
      cpu_seconds[key] = run.GetAdjustedCPUTime() / unit;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
  std::map<std::string, double> seconds;      // wall time per iteration
  std::map<std::string, double> cpu_seconds;  // CPU time per iteration
};

// A pair's figure as the table shows it: a rate, or CPU milliseconds per iteration.
std::string Shown(double value, Figure figure) {
  char text[32];
  if (figure == Figure::kRate) {
    std::snprintf(text, sizeof text, "%.4g/s", value);
  } else {
    std::snprintf(text, sizeof text, "%.4g ms CPU", value * 1e3);
  }
  return text;
}

}  // namespace
}  // namespace pro380::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  pro380::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-26s %14s %14s %8s %12s  %s\n", "pair", "ours", "peer", "ratio", "ours s/iter",
              "goal");
  for (const auto& pair : pro380::bench::kPairs) {
    const bool rate = pair.figure == pro380::bench::Figure::kRate;
    const auto& figures = rate ? reporter.rates : reporter.cpu_seconds;
    const auto ours = figures.find(pair.ours);
    const auto peer = figures.find(pair.peer);
    if (ours == figures.end() || peer == figures.end()) continue;
    // Ours' advantage either way: above 1, ours is faster (or cheaper) than the peer.
    const double ratio = rate ? ours->second / peer->second : peer->second / ours->second;
    std::printf("%-26s %14s %14s %8.3f %12.4g  %s\n", pair.label,
                pro380::bench::Shown(ours->second, pair.figure).c_str(),
                pro380::bench::Shown(peer->second, pair.figure).c_str(), ratio,
                reporter.seconds[pair.ours], pair.goal);
  }
  std::printf("ratio: ours' advantage over the peer (rates ours/peer, CPU times peer/ours)\n");
  benchmark::Shutdown();
  return 0;
}
