#include "source/household_source.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER (see household_plan.cc for 1..4).
constexpr uint64_t kVoltageStream = 10;  // + phase
constexpr uint64_t kFrequencyStream = 20;
constexpr uint64_t kNoiseStream = 30;

// Supply impedance seen from the meter (distribution transformer, cable, service line): a
// typical 0.3 Ω loop makes a 10 A load sag its phase by 3 V. The sag uses the current at nominal
// voltage, S/230 V, which differs from S/U by far less than the sag itself.
constexpr double kSourceOhms = 0.3;
constexpr double kSagVoltsPerVa = kSourceOhms / metering::kNominalVoltage;
constexpr double kPerTenBits = 1.0 / 1023;

// Mean grid voltage over the day (V above 230, hour 0..24, linear in between): high at night,
// raised at midday by neighbours' PV, lowest at the evening peak.
constexpr double kDailyVoltageOffset[25] = {2.5,  3.0,  3.0,  3.0,  2.5,  2.0, 0.5, -1.0, -0.5,
                                            0.0,  1.0,  2.0,  2.5,  2.5,  2.0, 1.0, 0.0,  -1.5,
                                            -3.0, -3.5, -3.0, -2.0, -0.5, 1.0, 2.5};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// A value in [-1, 1) for knot `index` of stream `key`.
double Knot(uint64_t key, int64_t index) {
  return 2 * ToUnit(HashAt(key, static_cast<uint64_t>(index))) - 1;
}

// Linear interpolation between knots every `spacing` seconds.
template <int64_t spacing>
double Wander(uint64_t key, int64_t second) {
  const int64_t index = FloorDiv(second, spacing);
  const double fraction = static_cast<double>(second - index * spacing) / spacing;
  const double a = Knot(key, index);
  return a + (Knot(key, index + 1) - a) * fraction;
}

}  // namespace

HouseholdSource::HouseholdSource(TimePoint start, uint64_t seed)
    : seed_(seed),
      traits_(TraitsForSeed(seed)),
      second_(FloorDiv(start.time_since_epoch().count(), 1'000'000'000)),
      next_tick_(std::numeric_limits<int64_t>::min()),
      // Yesterday's plan too: its late programmes may still be running at the start.
      steps_(FloorDiv(second_, kSecondsPerDay) - 1),
      freq_key_(StreamKey(seed, kFrequencyStream)),
      noise_key_(StreamKey(seed, kNoiseStream)) {
  for (int k = 0; k < 3; ++k) {
    volt_keys_[k] = StreamKey(seed, kVoltageStream + static_cast<uint64_t>(k));
    loads_.active_mw[k] = traits_.base_mw[k];
    loads_.reactive_mvar[k] = traits_.base_mvar[k];
  }
  steps_.StartAt(second_, Plan(), loads_);
  ApplySteps(second_ - 1);  // nothing more is due: sets the loads to the sums
}

double HouseholdSource::VoltageAt(int phase, int64_t second) const {
  const int64_t time_of_day = second - FloorDiv(second, kSecondsPerDay) * kSecondsPerDay;
  const int64_t hour = time_of_day / 3600;
  const double daily =
      kDailyVoltageOffset[hour] + (kDailyVoltageOffset[hour + 1] - kDailyVoltageOffset[hour]) *
                                      static_cast<double>(time_of_day - hour * 3600) / 3600;
  // Slow drift shared by the phases (tap changers, the neighbourhood's load), a slower per-phase
  // unbalance and a faster per-phase wander.
  return metering::kNominalVoltage + daily + 1.5 * Wander<900>(volt_keys_[0] ^ 0xA5, second) +
         0.8 * Wander<1800>(volt_keys_[phase], second) +
         0.5 * Wander<60>(volt_keys_[phase] ^ 0x5A, second);
}

double HouseholdSource::FrequencyAt(int64_t second) const {
  return metering::kNominalFrequency + 0.04 * Wander<300>(freq_key_, second) +
         0.012 * Wander<60>(freq_key_ ^ 0x5A, second);
}

void HouseholdSource::Tick(int64_t second) {
  tick_start_ = FloorDiv(second, kTickSeconds) * kTickSeconds;
  next_tick_ = tick_start_ + kTickSeconds;
  // Consecutive ticks share their boundary: reuse the values computed for it.
  const bool continues = tick_start_ == tick_end_second_;
  for (int k = 0; k < 3; ++k) {
    volt_base_[k] = continues ? volt_end_[k] : VoltageAt(k, tick_start_);
    volt_end_[k] = VoltageAt(k, next_tick_);
    volt_slope_[k] = (volt_end_[k] - volt_base_[k]) * (1.0 / kTickSeconds);
  }
  freq_base_ = continues ? freq_end_ : FrequencyAt(tick_start_);
  freq_end_ = FrequencyAt(next_tick_);
  freq_slope_ = (freq_end_ - freq_base_) * (1.0 / kTickSeconds);
  tick_end_second_ = next_tick_;
}

void HouseholdSource::ApplySteps(int64_t second) {
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
void HouseholdSource::Generate(int64_t second, metering::Interval& record) {
  const uint64_t noise = HashAt(noise_key_, static_cast<uint64_t>(second));
  const auto into_tick = static_cast<double>(second - tick_start_);
  for (int k = 0; k < 3; ++k) {
    // 10 bits each: load ±0.4 %, voltage jitter ±0.1 V.
    const double load_noise = static_cast<double>((noise >> (10 * k)) & 1023) * kPerTenBits - 0.5;
    const double volt_noise =
        static_cast<double>((noise >> (30 + 10 * k)) & 1023) * kPerTenBits - 0.5;
    const double scale = 1 + 0.008 * load_noise;
    const double s = load_va_[k] * scale;
    const double u =
        volt_base_[k] + volt_slope_[k] * into_tick + 0.2 * volt_noise - kSagVoltsPerVa * s;
    metering::PhaseValues& phase = record.phase[k];
    phase.voltage_v = u;
    phase.current_a = signed_va_[k] * scale / u;
    phase.active_w = load_w_[k] * scale;
    phase.reactive_var = load_var_[k] * scale;
    phase.apparent_va = s;
  }
  record.frequency_hz = freq_base_ + freq_slope_ * into_tick;
  record.duration = kHouseholdStep;
}

Result<std::size_t> HouseholdSource::Read(std::span<metering::Interval> out) {
  for (metering::Interval& record : out) {
    const int64_t second = second_++;
    if (second >= next_tick_) Tick(second);
    if (steps_.next_due() <= second) ApplySteps(second);
    Generate(second, record);
  }
  return out.size();
}

}  // namespace pro380::source
