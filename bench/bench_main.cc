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
      seconds[key] = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
  std::map<std::string, double> seconds;
};

}  // namespace
}  // namespace pro380::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  pro380::bench::CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf("\n%-26s %12s %12s %8s %12s  %s\n", "pair", "ours/s", "peer/s", "ratio",
              "ours s/iter", "goal");
  for (const auto& pair : pro380::bench::kPairs) {
    const auto ours = reporter.rates.find(pair.ours);
    const auto peer = reporter.rates.find(pair.peer);
    if (ours == reporter.rates.end() || peer == reporter.rates.end()) continue;
    std::printf("%-26s %12.4g %12.4g %8.3f %12.4g  %s\n", pair.label, ours->second, peer->second,
                ours->second / peer->second, reporter.seconds[pair.ours], pair.goal);
  }
  benchmark::Shutdown();
  return 0;
}
