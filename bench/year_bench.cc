// One simulated year of 1 s scenario records for one meter, end to end as `pro380 simulate
// --source sim:NAME --duration 1y` runs it: scenario generation, record feeding and the metering
// engine. The goal for sim:household: under one second; the other scenarios are measured
// beside it (docs/performance.md).
#include <benchmark/benchmark.h>

#include "app/record_feeder.h"
#include "metering/meter.h"
#include "source/open_source.h"

namespace pro380::bench {
namespace {

constexpr Duration kYear = std::chrono::hours(24 * 365);

void YearOfRecords(benchmark::State& state, const char* spec) {
  for (auto _ : state) {
    auto opened = source::OpenSource(spec, {});
    if (!opened.ok()) {
      state.SkipWithError(opened.status().message().c_str());
      return;
    }
    metering::Meter meter(metering::MeterConfig{});
    app::RecordFeeder feeder(*opened->records);
    auto applied = feeder.Feed(meter, kYear);
    benchmark::DoNotOptimize(applied);
    benchmark::DoNotOptimize(meter.registers(metering::EnergyKind::kActive));
  }
  state.SetItemsProcessed(state.iterations() * (kYear / std::chrono::seconds(1)));
}

void BM_YearOfHouseholdRecords(benchmark::State& state) { YearOfRecords(state, "sim:household"); }
BENCHMARK(BM_YearOfHouseholdRecords)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

// The other scenarios of the library (docs/scenarios.md), one repetition each by default.
BENCHMARK_CAPTURE(YearOfRecords, pv, "sim:pv")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(YearOfRecords, ev, "sim:ev")->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(YearOfRecords, heat_pump, "sim:heat-pump")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(YearOfRecords, office, "sim:office")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace pro380::bench
