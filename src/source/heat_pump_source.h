// The `sim:heat-pump` scenario (docs/scenarios.md): the separately metered air-to-water heat
// pump of a house: space heating by the outdoor temperature (season, time of day, weather from
// the seed), an inverter compressor that modulates down to its minimum and cycles below it,
// defrost cycles in cold damp weather, hot water once or twice a day, circulation pump and
// controller. Power factor 0.90..0.95 inductive.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_HEAT_PUMP_SOURCE_H_
#define PRO380_SOURCE_HEAT_PUMP_SOURCE_H_

#include <cstdint>

#include "base/time.h"
#include "source/scenario_source.h"

namespace pro380::source {

// What stays the same for one house and its heat pump (one seed).
struct HeatPumpTraits {
  double design_heat_kw;     // the house's heat loss at −12 °C outside, 20 °C inside: 4..10 kW
  double cop_at_2c;          // COP at 2 °C outside (A2/W35): 3.2..4.0
  double min_modulation;     // the compressor's lowest output, share of full: 0.3..0.4
  int64_t cycle_seconds;     // on/off period below the minimum, and the defrost spacing: 25..40 min
  double cos_phi;            // 0.90..0.95, inductive
  double hot_water_hour[2];  // start hours of hot-water heating; the second < 0: once a day
  double hot_water_minutes;  // 40..75 min
  bool single_phase;         // small units (design heat ≤ 6.5 kW, some): compressor on L1
};

HeatPumpTraits HeatPumpTraitsForSeed(uint64_t seed);

class HeatPumpSource : public ScenarioSource {
 public:
  HeatPumpSource(TimePoint start, uint64_t seed);

  const HeatPumpTraits& traits() const { return traits_; }
  // The outdoor temperature this house sees (°C).
  double OutdoorAt(int64_t second) const;

 protected:
  void SmoothAt(int64_t second, SmoothLoads& loads) override;

 private:
  // The compressor's electric power in cycle `cycle` at `into` seconds into it.
  double CompressorWatts(int64_t cycle, int64_t into);
  bool HotWaterAt(int64_t second) const;

  HeatPumpTraits traits_;
  uint64_t weather_key_;
  uint64_t defrost_key_;
  // The current cycle's plan: on for on_seconds_ at on_watts_, the first defrost_seconds_ of
  // them defrosting.
  int64_t cycle_ = 0;
  bool have_cycle_ = false;
  double on_watts_ = 0;
  int64_t on_seconds_ = 0;
  int64_t defrost_seconds_ = 0;
  bool heating_season_ = false;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_HEAT_PUMP_SOURCE_H_
