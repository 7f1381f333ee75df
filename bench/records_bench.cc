// Per-phase records into the metering engine, against a peer: the minimal kernel any meter
// needs for the same data (sign-split per-phase energy and the netted sum, in doubles, with no
// registers, residues, tariffs, pulses or creep gate).
#include <benchmark/benchmark.h>

#include <random>
#include <span>
#include <vector>

#include "metering/meter.h"

namespace pro380::bench {
namespace {

std::vector<metering::Interval> MakeRecords(std::size_t n) {
  std::vector<metering::Interval> records(n);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> p(-6000, 9000);
  std::uniform_real_distribution<double> q(-1500, 1500);
  for (auto& r : records) {
    for (auto& ph : r.phase) ph = metering::PhaseFromPower(230, p(rng), q(rng));
    r.duration = std::chrono::seconds(1);
  }
  return records;
}

constexpr std::size_t kBatch = 4096;  // RecordFeeder's batch

const std::vector<metering::Interval>& Records() {
  static const std::vector<metering::Interval> records = MakeRecords(1 << 16);
  return records;
}

void BM_RecordsIntoMeter(benchmark::State& state) {
  const auto& records = Records();
  metering::MeterConfig config;
  config.combined_code = metering::CombinedCode::kNettedPulses;
  metering::Meter meter(config);
  for (auto _ : state) {
    for (std::size_t i = 0; i < records.size(); i += kBatch) {
      meter.ApplyRecords(std::span(records).subspan(i, kBatch));  // as RecordFeeder does
    }
    benchmark::DoNotOptimize(meter.registers(metering::EnergyKind::kActive));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_RecordsIntoMeter);

// The same records one Apply() call at a time: the cost a live meter pays per record.
void BM_RecordsOneByOne(benchmark::State& state) {
  const auto& records = Records();
  metering::Meter meter(metering::MeterConfig{});
  for (auto _ : state) {
    for (const auto& r : records) meter.ApplyRecord(r);
    benchmark::DoNotOptimize(meter.registers(metering::EnergyKind::kActive));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_RecordsOneByOne);

void BM_PeerRecordKernel(benchmark::State& state) {
  const auto& records = Records();
  double forward[3][2] = {}, reverse[3][2] = {}, net[2][2] = {};
  for (auto _ : state) {
    for (const auto& r : records) {
      const double dt = static_cast<double>(r.duration.count()) * 1e-9;
      double sum_p = 0, sum_q = 0;
      for (int k = 0; k < 3; ++k) {
        const double p = r.phase[k].active_w * dt, q = r.phase[k].reactive_var * dt;
        sum_p += p;
        sum_q += q;
        (p >= 0 ? forward[k][0] : reverse[k][0]) += p;
        (q >= 0 ? forward[k][1] : reverse[k][1]) += q;
      }
      (sum_p >= 0 ? net[0][0] : net[0][1]) += sum_p;
      (sum_q >= 0 ? net[1][0] : net[1][1]) += sum_q;
    }
    benchmark::DoNotOptimize(forward);
    benchmark::DoNotOptimize(reverse);
    benchmark::DoNotOptimize(net);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
}
BENCHMARK(BM_PeerRecordKernel);

}  // namespace
}  // namespace pro380::bench
