// The `sim:pv` scenario (docs/scenarios.md): the household of `sim:household` with the same seed
// plus a rooftop PV system. Its export is negative active power (the reverse registers count
// it), by the sun's position for the date and time at 50° N, a clear, mixed or overcast day from
// the seed and the date, the system's size and inverter from the seed.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_PV_SOURCE_H_
#define PRO380_SOURCE_PV_SOURCE_H_

#include <cstdint>

#include "base/time.h"
#include "source/household_source.h"

namespace pro380::source {

// What stays the same for one PV system (one seed).
struct PvTraits {
  double peak_kw;      // module power, kWp: 3..12
  double inverter_kw;  // AC limit: 85..100 % of kWp, at least 1.5 kW
  double performance;  // DC→AC losses, soiling, temperature: 0.75..0.85
  int phase;           // 0..2: the phase of a single-phase inverter; -1: three-phase
  bool cos_phi_curve;  // three-phase: cos φ(P) from 1 at half power to 0.95 underexcited
};

PvTraits PvTraitsForSeed(uint64_t seed);

class PvSource : public HouseholdSource {
 public:
  PvSource(TimePoint start, uint64_t seed);

  const PvTraits& pv_traits() const { return pv_; }

  // The inverter's AC output in W at `second` (≥ 0), before interpolation: exposed for tests.
  double PvPowerAt(int64_t second) const;

 protected:
  void SmoothAt(int64_t second, SmoothLoads& loads) override;

 private:
  // How much of the clear-sky irradiance reaches the panel at `second`: by the day's type (from
  // the seed and the date) and passing clouds.
  double CloudFactor(int64_t second, double season) const;

  PvTraits pv_;
  uint64_t weather_key_;
  // The output at the minute's two ends, interpolated per second.
  int64_t minute_ = 0;
  bool have_minute_ = false;
  double pv_start_w_ = 0, pv_end_w_ = 0;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_PV_SOURCE_H_
