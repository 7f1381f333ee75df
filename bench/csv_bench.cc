// CSV input end to end as `pro380 simulate --source csv:FILE` runs it (map the file, check the
// header, parse every row, feed the meter), against a peer: the bare std::from_chars loop that
// parses the same columns and sums them, the input limit measured in metering.md §5.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "app/record_feeder.h"
#include "metering/meter.h"
#include "source/csv_source.h"

namespace pro380::bench {
namespace {

constexpr int kRows = 1'000'000;

// Recorded per-phase files at 1 s steps: the minimal form time,p1,p2,p3 (index 0), and
// time + P, Q and U per phase (index 1).
std::string MakeCsv(bool wide) {
  std::string out = wide ? "time,p1,p2,p3,q1,q2,q3,u1,u2,u3\n" : "time,p1,p2,p3\n";
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<int> p(-3000, 9000), q(-800, 800), u(2250, 2350);
  char line[160];
  for (int r = 0; r < kRows; ++r) {
    int n = std::snprintf(line, sizeof line, "%d,%d.%d,%d,%d.5", r, p(rng), r % 10, p(rng), p(rng));
    if (wide) {
      n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n),
                         ",%d,%d,%d,%d.%d,%d.%d,%d.%d", q(rng), q(rng), q(rng), u(rng) / 10,
                         u(rng) % 10, u(rng) / 10, u(rng) % 10, u(rng) / 10, u(rng) % 10);
    }
    line[n++] = '\n';
    out.append(line, static_cast<std::size_t>(n));
  }
  return out;
}

const std::string& CsvText(bool wide) {
  static const std::string narrow_text = MakeCsv(false);
  static const std::string wide_text = MakeCsv(true);
  return wide ? wide_text : narrow_text;
}

// The files live as long as the process: Google Benchmark calls a benchmark several times.
struct TempCsvFile {
  explicit TempCsvFile(bool wide)
      : path("/tmp/pro380-bench-" + std::to_string(::getpid()) + (wide ? "-wide" : "") + ".csv") {
    std::ofstream(path, std::ios::binary) << CsvText(wide);
  }
  ~TempCsvFile() { std::remove(path.c_str()); }
  std::string path;
};

const std::string& CsvFile(bool wide) {
  static const TempCsvFile narrow_file(false);
  static const TempCsvFile wide_file(true);
  return wide ? wide_file.path : narrow_file.path;
}

void BM_CsvIntoMeter(benchmark::State& state) {
  const std::string& path = CsvFile(state.range(0) == 10);
  for (auto _ : state) {
    auto source = source::OpenCsvFile(path);
    if (!source.ok()) {
      state.SkipWithError(source.status().message().c_str());
      return;
    }
    metering::Meter meter(metering::MeterConfig{});
    app::RecordFeeder feeder(**source);
    auto applied = feeder.Feed(meter, Duration::max());
    benchmark::DoNotOptimize(applied);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_CsvIntoMeter)->Arg(4)->Arg(10)->Unit(benchmark::kMillisecond);

void BM_PeerCsvFromChars(benchmark::State& state) {
  const std::string& text = CsvText(state.range(0) == 10);
  for (auto _ : state) {
    const char* p = text.data() + text.find('\n') + 1;
    const char* end = text.data() + text.size();
    double sum = 0;
    while (p < end) {
      double v = 0;
      const auto r = std::from_chars(p, end, v);
      sum += v;
      p = r.ptr + 1;  // skip ',' or '\n'
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_PeerCsvFromChars)->Arg(4)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pro380::bench
