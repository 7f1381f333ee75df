#include "source/scenario_source.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "source/random.h"

namespace pro380::source {
namespace {

// Random stream of a seed. DO NOT RENUMBER (see household_plan.cc and grid_model.cc).
constexpr uint64_t kNoiseStream = 30;

constexpr double kPerTenBits = 1.0 / 1023;

// The share of a second's noise word (10 bits each) of a phase's load and voltage: its load
// scale (±0.4 %) and its voltage jitter (-0.5..0.5, times 0.2 V).
struct PhaseNoise {
  double scale;
  double volt_noise;
};
PhaseNoise NoiseOfBits(uint64_t load_bits, uint64_t volt_bits) {
  const double load_noise = static_cast<double>(load_bits) * kPerTenBits - 0.5;
  const double volt_noise = static_cast<double>(volt_bits) * kPerTenBits - 0.5;
  return {1 + 0.008 * load_noise, volt_noise};
}

// NoiseOfBits for every 10-bit value, computed once at start-up by the same expressions (so the
// same numbers as computing them per record, 16 KiB shared by every source): a record takes two
// loads a phase instead of two conversions and three multiply-adds.
struct NoiseTable {
  std::array<double, 1024> scale;
  std::array<double, 1024> volt_noise;
};
NoiseTable MakeNoiseTable() {
  NoiseTable table;
  for (uint64_t bits = 0; bits < 1024; ++bits) {
    table.scale[bits] = NoiseOfBits(bits, 0).scale;
    table.volt_noise[bits] = NoiseOfBits(0, bits).volt_noise;
  }
  return table;
}
const NoiseTable kNoiseTable = MakeNoiseTable();

// Phase k's share of a second's noise word.
PhaseNoise NoiseOfPhase(uint64_t noise, int k) {
  return {kNoiseTable.scale[(noise >> (10 * k)) & 1023],
          kNoiseTable.volt_noise[(noise >> (30 + 10 * k)) & 1023]};
}

}  // namespace

ScenarioSource::ScenarioSource(TimePoint start, uint64_t seed, bool smooth)
    : seed_(seed),
      noise_key_(StreamKey(seed, kNoiseStream)),
      second_(FloorDiv(start.time_since_epoch().count(), 1'000'000'000)),
      smooth_(smooth),
      grid_(seed),
      // Yesterday's plan too: its late programmes may still be running at the start.
      steps_(FloorDiv(second_, kSecondsPerDay) - 1) {}

void ScenarioSource::SetBaseLoad(int phase, int32_t active_mw, int32_t reactive_mvar) {
  loads_.active_mw[phase] = active_mw;
  loads_.reactive_mvar[phase] = reactive_mvar;
}

void ScenarioSource::PlanDay(int64_t /*day*/, StepSink& /*steps*/) const {}

void ScenarioSource::SmoothAt(int64_t /*second*/, SmoothLoads& /*loads*/) {}

void ScenarioSource::Start(int64_t second) {
  steps_.StartAt(second, Plan(), loads_);
  ApplySteps(second - 1);  // nothing more is due: sets the loads to the sums
  started_ = true;
}

void ScenarioSource::ApplySteps(int64_t second) {
  steps_.AdvanceTo(second, Plan(), loads_);
  for (int k = 0; k < 3; ++k) {
    load_w_[k] = static_cast<double>(loads_.active_mw[k]) * 1e-3;
    load_var_[k] = static_cast<double>(loads_.reactive_mvar[k]) * 1e-3;
    load_va_[k] = std::sqrt(load_w_[k] * load_w_[k] + load_var_[k] * load_var_[k]);
    signed_va_[k] = load_w_[k] < 0 ? -load_va_[k] : load_va_[k];
  }
}

// The per-second load noise scales P, Q and S of a phase together, so S = √(P² + Q²) (to within
// rounding) and current = S/U signed like P hold without a √ per record; the √ is taken only
// when a load step changes the phase.
//
// Read hands over runs of seconds that share the loads and the grid's lines (no step and no tick
// inside), so the loop below does nothing per record but the record itself: no checks for
// ticks and steps, no call per record. Each record's arithmetic is the same expressions in the
// same order as when it was made alone, so the records are bit-identical to that.
void ScenarioSource::GenerateSteppedRun(int64_t first,
                                        std::span<metering::Interval> records) const {
  const int64_t into_first = first - grid_.tick_start();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto offset = static_cast<int64_t>(i);
    const uint64_t noise = HashAt(noise_key_, static_cast<uint64_t>(first + offset));
    const auto into_tick = static_cast<double>(into_first + offset);
    metering::Interval& record = records[i];
    for (int k = 0; k < 3; ++k) {
      const auto [scale, volt_noise] = NoiseOfPhase(noise, k);
      const double s = load_va_[k] * scale;
      const double u = grid_.Voltage(k, into_tick) + 0.2 * volt_noise - kSagVoltsPerVa * s;
      metering::PhaseValues& phase = record.phase[k];
      phase.voltage_v = u;
      phase.current_a = signed_va_[k] * scale / u;
      phase.active_w = load_w_[k] * scale;
      phase.reactive_var = load_var_[k] * scale;
      phase.apparent_va = s;
    }
    record.frequency_hz = grid_.Frequency(into_tick);
    record.duration = kScenarioStep;
  }
}

// As above, plus the smooth loads: current loads draw their current at the phase's voltage, and
// the voltage moves with the phase's net load (sags with import, rises with export). The run's
// smooth loads are stated first (SmoothAt in increasing seconds, as before), then the records are
// made from them in a loop of their own: the √ and divisions of one record no longer wait behind
// the subclass's call for the next, and the loads are zeroed once for the run.
void ScenarioSource::GenerateSmoothRun(int64_t first, std::span<metering::Interval> records) {
  std::array<SmoothLoads, GridModel::kTickSeconds> smooth;  // zeroed
  const std::size_t n = records.size();  // at most a tick: Read cuts the runs there
  for (std::size_t i = 0; i < n; ++i) SmoothAt(first + static_cast<int64_t>(i), smooth[i]);
  const int64_t into_first = first - grid_.tick_start();
  for (std::size_t i = 0; i < n; ++i) {
    const auto offset = static_cast<int64_t>(i);
    const uint64_t noise = HashAt(noise_key_, static_cast<uint64_t>(first + offset));
    const auto into_tick = static_cast<double>(into_first + offset);
    const SmoothLoads& loads = smooth[i];
    metering::Interval& record = records[i];
    for (int k = 0; k < 3; ++k) {
      const auto [scale, volt_noise] = NoiseOfPhase(noise, k);
      const double p_fixed = load_w_[k] * scale + loads.active_w[k];
      const double q_fixed = load_var_[k] * scale + loads.reactive_var[k];
      const double p_per_volt = loads.current_a[k] * loads.cos_phi;
      const double q_per_volt = loads.current_a[k] * loads.sin_phi;
      const double p_nominal = p_fixed + p_per_volt * metering::kNominalVoltage;
      const double q_nominal = q_fixed + q_per_volt * metering::kNominalVoltage;
      const double s_nominal = std::sqrt(p_nominal * p_nominal + q_nominal * q_nominal);
      const double u = grid_.Voltage(k, into_tick) + 0.2 * volt_noise -
                       kSagVoltsPerVa * (p_nominal < 0 ? -s_nominal : s_nominal);
      const double p = p_fixed + p_per_volt * u;
      const double q = q_fixed + q_per_volt * u;
      const double s = std::sqrt(p * p + q * q);
      metering::PhaseValues& phase = record.phase[k];
      phase.voltage_v = u;
      phase.current_a = (p < 0 ? -s : s) / u;
      phase.active_w = p;
      phase.reactive_var = q;
      phase.apparent_va = s;
    }
    record.frequency_hz = grid_.Frequency(into_tick);
    record.duration = kScenarioStep;
  }
}

Result<std::size_t> ScenarioSource::Read(std::span<metering::Interval> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const int64_t second = second_;
    if (!started_) Start(second);
    if (second >= grid_.next_tick()) grid_.Tick(second);
    if (steps_.next_due() <= second) ApplySteps(second);
    // Up to the next tick or step (both after `second` now), whichever comes first: at most a
    // tick's 60 records.
    const int64_t until = std::min(grid_.next_tick(), steps_.next_due());
    const auto run =
        static_cast<std::size_t>(std::min(until - second, static_cast<int64_t>(out.size() - done)));
    if (smooth_) {
      GenerateSmoothRun(second, out.subspan(done, run));
    } else {
      GenerateSteppedRun(second, out.subspan(done, run));
    }
    second_ += static_cast<int64_t>(run);
    done += run;
  }
  return out.size();
}

}  // namespace pro380::source
