// One simulated year of 1 s household records for one meter, end to end as `pro380 simulate
// --source sim:household --duration 1y` runs it: scenario generation, record feeding and the
// metering engine. The goal: under one second.
#include <benchmark/benchmark.h>

#include "app/record_feeder.h"
#include "metering/meter.h"
#include "source/open_source.h"

namespace pro380::bench {
namespace {

constexpr Duration kYear = std::chrono::hours(24 * 365);

void BM_YearOfHouseholdRecords(benchmark::State& state) {
  for (auto _ : state) {
    auto opened = source::OpenSource("sim:household", {});
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
BENCHMARK(BM_YearOfHouseholdRecords)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

}  // namespace
}  // namespace pro380::bench
