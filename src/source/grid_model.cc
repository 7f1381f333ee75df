#include "source/grid_model.h"

#include "source/household_plan.h"
#include "source/random.h"

namespace pro380::source {
namespace {

// Random streams of a seed. DO NOT RENUMBER: every scenario's numbers depend on them (see
// household_plan.cc for 1..4).
constexpr uint64_t kVoltageStream = 10;  // + phase
constexpr uint64_t kFrequencyStream = 20;

// Mean grid voltage over the day (V above 230, hour 0..24, linear in between): high at night,
// raised at midday by neighbours' PV, lowest at the evening peak.
constexpr double kDailyVoltageOffset[25] = {2.5,  3.0,  3.0,  3.0,  2.5,  2.0, 0.5, -1.0, -0.5,
                                            0.0,  1.0,  2.0,  2.5,  2.5,  2.0, 1.0, 0.0,  -1.5,
                                            -3.0, -3.5, -3.0, -2.0, -0.5, 1.0, 2.5};

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

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

GridModel::GridModel(uint64_t seed) : freq_key_(StreamKey(seed, kFrequencyStream)) {
  for (int k = 0; k < 3; ++k) {
    volt_keys_[k] = StreamKey(seed, kVoltageStream + static_cast<uint64_t>(k));
  }
}

double GridModel::VoltageAt(int phase, int64_t second) const {
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

double GridModel::FrequencyAt(int64_t second) const {
  return metering::kNominalFrequency + 0.04 * Wander<300>(freq_key_, second) +
         0.012 * Wander<60>(freq_key_ ^ 0x5A, second);
}

void GridModel::Tick(int64_t second) {
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

}  // namespace pro380::source
