// The `sim:ev` scenario (docs/scenarios.md): the meter of a wallbox: its standby and the
// charging sessions of one car. The car arrives and leaves by the seed and the weekday, charges
// at the lower of its onboard charger's current and the wallbox's limit (options `limit`,
// `phases`), tapers near full and stops when full or when it leaves.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_EV_SOURCE_H_
#define PRO380_SOURCE_EV_SOURCE_H_

#include <cstdint>

#include "base/time.h"
#include "source/random.h"
#include "source/scenario_source.h"

namespace pro380::source {

// The wallbox: what the spec's options set (docs/scenarios.md, `sim:ev`).
struct WallboxOptions {
  int limit_a = 16;  // the current the wallbox offers the car (its pilot signal), 6..32 A
  int phases = 3;    // 1 or 3: how the wallbox is connected
};

// What stays the same for one car and its owner (one seed).
struct EvTraits {
  int charger_phases;     // 1 or 3: the car's onboard charger
  int charger_a;          // 16 or 32 A a phase
  double draw_below_a;    // the car draws this much under the offered current: 0.2..0.6 A
  double battery_kwh;     // 40..90 kWh
  double weekday_chance;  // a session after work on a weekday
  double weekend_chance;  // a session starting in the day at weekends
  double full_target;     // charge limit set in the car: 0.8 or 1.0
  double daily_kwh;       // what a day's driving takes from the battery: 4..11 kWh
};

EvTraits EvTraitsForSeed(uint64_t seed);

// One charging session, planned from the seed and its arrival day.
struct EvSession {
  bool exists = false;
  int64_t arrival = 0;  // seconds of meter time
  int64_t departure = 0;
  int64_t taper_start = 0;   // constant current until here, then exponential decay
  int64_t end = 0;           // charging ends (full, or departure)
  double taper_seconds = 1;  // the decay's time constant
};

class EvSource : public ScenarioSource {
 public:
  EvSource(TimePoint start, uint64_t seed, WallboxOptions wallbox);

  const EvTraits& traits() const { return traits_; }
  // The current offered and drawn at full charge (per phase, A) and the phases used.
  double charging_current_a() const { return current_a_; }
  int charging_phases() const { return phases_; }

  // The session that arrives on `day` (exposed for tests).
  EvSession SessionOfDay(int64_t day) const;

 protected:
  void SmoothAt(int64_t second, SmoothLoads& loads) override;

 private:
  double CurrentAt(const EvSession& session, int64_t second) const;
  // Whether the car is plugged in on `day`: the first draw of the day's generator.
  bool PlugsInOn(int64_t day, SplitMix64& rng) const;

  EvTraits traits_;
  int phases_;
  double current_a_;
  uint64_t session_key_;
  int64_t sessions_day_ = 0;
  bool have_sessions_ = false;
  EvSession yesterday_, today_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_EV_SOURCE_H_
