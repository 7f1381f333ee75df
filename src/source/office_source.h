// The `sim:office` scenario (docs/scenarios.md): a small office on a three-phase supply: IT that
// runs day and night (server room, network, its cooling), workplaces (PCs, screens) occupied on
// weekdays from about 8 to 18, lighting by zone, a kitchen, and ventilation with cooling in
// summer; a lower power factor than a household (motors, older lighting ballasts). Weekends and
// nights carry the IT base load and the occasional worker.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_OFFICE_SOURCE_H_
#define PRO380_SOURCE_OFFICE_SOURCE_H_

#include <cstdint>

#include "base/time.h"
#include "source/scenario_source.h"

namespace pro380::source {

// What stays the same for one office (one seed).
struct OfficeTraits {
  int workplaces;     // 8..60
  double attendance;  // share of workplaces used on a weekday: 0.6..0.9
  double it_base_w;   // server room, network, always-on: 25..45 W a workplace
  double pc_w;        // a workplace in use: 60..140 W
  double lighting_w;  // a zone's lamps: ~8 W/m² × 12 m² a workplace / 4 zones
  bool fluorescent;   // older lighting: inductive ballasts (cos φ 0.9) instead of LED
  double hvac_w;      // ventilation fans during working hours: 25..45 W a workplace
  double cooling_w;   // the split units' compressors: 120..200 W a workplace
};

OfficeTraits OfficeTraitsForSeed(uint64_t seed);

class OfficeSource : public ScenarioSource {
 public:
  OfficeSource(TimePoint start, uint64_t seed);

  const OfficeTraits& traits() const { return traits_; }

 protected:
  void PlanDay(int64_t day, StepSink& steps) const override;

 private:
  OfficeTraits traits_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_OFFICE_SOURCE_H_
