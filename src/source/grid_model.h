// GridModel: the mains every built-in scenario sees (docs/scenarios.md, "Per second"): 230 V
// with a daily pattern, a slow common drift, a per-phase unbalance and wander, and 50 Hz with a
// slow and a faster wander. Values are set at whole minutes of meter time from the seed and
// interpolated in between, so they are a pure function of the seed and the second.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_GRID_MODEL_H_
#define PRO380_SOURCE_GRID_MODEL_H_

#include <array>
#include <cstdint>
#include <limits>

#include "metering/interval.h"

namespace pro380::source {

// Supply impedance seen from the meter (distribution transformer, cable, service line): a
// typical 0.3 Ω loop makes a 10 A load sag its phase by 3 V (and 10 A of export raise it by as
// much). The sag uses the current at nominal voltage, S/230 V, which differs from S/U by far
// less than the sag itself.
inline constexpr double kSourceOhms = 0.3;
inline constexpr double kSagVoltsPerVa = kSourceOhms / metering::kNominalVoltage;

int64_t FloorDiv(int64_t a, int64_t b);

class GridModel {
 public:
  static constexpr int64_t kTickSeconds = 60;

  explicit GridModel(uint64_t seed);

  // Sets the lines of the minute that holds `second`.
  void Tick(int64_t second);
  int64_t tick_start() const { return tick_start_; }
  int64_t next_tick() const { return next_tick_; }

  // The no-load voltage of `phase` and the frequency `into_tick` seconds after tick_start().
  double Voltage(int phase, double into_tick) const {
    return volt_base_[phase] + volt_slope_[phase] * into_tick;
  }
  double Frequency(double into_tick) const { return freq_base_ + freq_slope_ * into_tick; }

 private:
  double VoltageAt(int phase, int64_t second) const;
  double FrequencyAt(int64_t second) const;

  int64_t tick_start_ = 0;
  int64_t next_tick_ = std::numeric_limits<int64_t>::min();
  // Voltage and frequency at tick_start_ and their change per second within the tick.
  std::array<double, 3> volt_base_{}, volt_slope_{}, volt_end_{};
  double freq_base_ = 50, freq_slope_ = 0, freq_end_ = 50;
  int64_t tick_end_second_ = std::numeric_limits<int64_t>::min();  // where volt_end_ applies
  std::array<uint64_t, 3> volt_keys_{};
  uint64_t freq_key_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_GRID_MODEL_H_
