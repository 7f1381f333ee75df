// Meter: the PRO380 metering engine. It takes Intervals (per-phase records or mains cycles),
// registers energy in integer µWh / µvarh with carried residues, drives the LED and S0 pulse
// outputs, and holds the settings that change registration (combined code, CT ratio, tariff,
// wiring, S0 rate). It never reads a clock: meter time starts at MeterConfig::start and advances
// by each Interval's duration.
//
// Thread safety: none. One thread owns a Meter; other threads read copies of its state.
#ifndef PRO380_METERING_METER_H_
#define PRO380_METERING_METER_H_

#include <array>
#include <cstdint>
#include <span>

#include "base/time.h"
#include "metering/energy_lanes.h"
#include "metering/energy_registers.h"
#include "metering/input_limits.h"  // the input contract of Apply
#include "metering/interval.h"
#include "metering/pulse_output.h"
#include "metering/s0_rate.h"
#include "metering/types.h"

namespace pro380::metering {

struct MeterConfig {
  bool ct_variant = false;  // false: direct 5(100) A meter; true: CT 1.5(6) A meter
  int ct_ratio = 0;         // CT meters: primary amperes of an x/5 A CT; 0 = not set yet
  bool ct_locked = false;   // the one-time MID lock has happened
  Wiring wiring = Wiring::k3P4W;
  CombinedCode combined_code = CombinedCode::kForwardOnly;
  S0Rate s0_rate = kDefaultS0Rate;
  Tariff tariff = Tariff::kT1;
  TimePoint start{};

  friend bool operator==(const MeterConfig&, const MeterConfig&) = default;
};

// Manual §7.1: the S + 5 digits diagnostics field.
struct Diagnostics {
  bool program_ok = true;
  bool eeprom_ok = true;  // storage health; the app clears it when the state store fails
  std::array<bool, kPhaseCount> phase_present{};
};

// Starting current Ist = 0.4 % Ib (20 mA direct, 6 mA CT secondary); a phase below half of it
// registers nothing (product.md, "Anti-creep").
inline constexpr double kDirectStartingCurrentA = 0.020;
inline constexpr double kCtStartingCurrentA = 0.006;
// A phase counts as present (diagnostics digit = 1) from 20 % of the nominal 230 V.
inline constexpr double kPhasePresentVoltage = 46.0;

struct MeterState;  // metering/meter_state.h

class Meter {
 public:
  explicit Meter(const MeterConfig& config);
  // A meter that continues from a saved state. REQUIRES: ValidateMeterState(state).ok()
  explicit Meter(const MeterState& state);

  // Everything the meter must keep across a power loss (metering/meter_state.h).
  MeterState state() const;

  // Registers one interval of what the measuring elements saw (3P3W: element 1 in phase[0],
  // element 3 in phase[2]). Values are primary values (for CT meters: already × ratio/5).
  //
  // REQUIRES (Apply, ApplyAll; ApplyRecord(s) with star records): every interval is within the
  // input limits of metering/input_limits.h (ElementsWithinLimits(elements, wiring); a star
  // record within RecordWithinLimits gives Aron elements within them; the waveform front end's
  // part cycles may have kPartCyclePowerFactor × the active power), its duration is not
  // negative, and the registers, counted from zero, receive at most kMaxRunDuration of meter
  // time at those limits — they then stay below the int64 limit (at the largest allowed power
  // they would overflow after 101 years). Not checked here: this is the per-interval hot loop;
  // sources check at the edge (docs/decisions/metering.md, "Input limits").
  void Apply(const Interval& elements);
  // Apply() for each interval in order, faster for long runs (simulations, replays). The
  // instantaneous values shown afterwards are those of the last interval.
  void ApplyAll(std::span<const Interval> elements);
  // Registers one per-phase (star) record; in 3P3W it is first turned into what the two Aron
  // elements would measure (metering/aron.h).
  void ApplyRecord(const Interval& star);
  void ApplyRecords(std::span<const Interval> star);

  // Settings. Each returns what happened; nothing changes unless kApplied.
  SettingOutcome SetCombinedCode(CombinedCode code);  // C-10 once set is final
  SettingOutcome SetS0Rate(double impulses_per_kwh);
  void SetTariff(Tariff tariff);
  SettingOutcome SetCtRatio(int primary_amperes);  // CT meters, before the lock
  SettingOutcome LockCtRatio();                    // CT meters with a ratio set
  void ResetDayCounter() { day_counter_uwh_ = 0; }
  void set_eeprom_ok(bool ok) { diagnostics_.eeprom_ok = ok; }
  void set_power_down_count(int64_t count) { power_down_count_ = count; }

  TimePoint now() const { return now_; }
  // False on a CT meter whose ratio has not been set: it neither registers nor communicates.
  bool registering() const { return !config_.ct_variant || config_.ct_ratio != 0; }
  const MeterConfig& config() const { return config_; }
  // The last interval after the anti-creep gate: what the display and the buses show.
  const Interval& instantaneous() const { return last_; }
  const EnergyRegisters& registers(EnergyKind kind) const {
    return registers_[static_cast<int>(kind)];
  }
  int64_t day_counter_uwh() const { return day_counter_uwh_; }
  const PulseOutput& s0_forward() const { return s0_forward_; }
  const PulseOutput& s0_reverse() const { return s0_reverse_; }
  const PulseOutput& led(EnergyKind kind) const { return led_[static_cast<int>(kind)]; }
  const Diagnostics& diagnostics() const { return diagnostics_; }
  // Residues (energy added but not yet a whole µWh, in µJ) of a phase's registers and of the
  // netted flow: with them, registers + residues account for every µJ the meter was given.
  double residue_uj(EnergyKind kind, int phase_index, Direction d) const {
    return lanes_.residue_uj(EnergyLane(kind, phase_index), d);
  }
  double net_residue_uj(EnergyKind kind, Direction d) const {
    return lanes_.residue_uj(EnergyLane(kind, kPhaseCount), d);
  }
  int64_t power_down_count() const { return power_down_count_; }
  // The anti-creep threshold on a phase's primary current.
  double creep_threshold_a() const { return creep_threshold_a_; }
  double current_scale() const;  // primary / secondary current (1 for direct meters)

 private:
  // Credits whole µWh per lane to the registers of the active tariff, the total registers
  // (netted under C-10) and the day counter.
  void Register(const LaneWholes& forward, const LaneWholes& reverse);
  static constexpr std::size_t kRunLength = 256;
  // What a run of intervals gives the registers (µJ per lane and direction) and, per interval,
  // each pulse output (µJ, to place the latest pulse in time).
  struct RunFeeds {
    std::size_t count = 0;
    LaneEnergies forward{};
    LaneEnergies reverse{};
    std::array<double, kRunLength> led_active;
    std::array<double, kRunLength> led_reactive;
    std::array<double, kRunLength> s0_forward;
    std::array<double, kRunLength> s0_reverse;
    std::array<Duration, kRunLength> durations;
  };
  // Registers up to kRunLength intervals: registers, residues, pulse outputs, display.
  void RegisterRun(std::span<const Interval> run);
  void DriveOutputs(const RunFeeds& feeds, const LaneWholes& forward, const LaneWholes& reverse);
  void ShowInstantaneous(const Interval& latest);
  void UpdateCreepThreshold();

  MeterConfig config_;
  TimePoint now_;
  double creep_threshold_a_ = 0;
  Interval last_{};
  std::array<EnergyRegisters, kEnergyKindCount> registers_{};
  int64_t day_counter_uwh_ = 0;
  EnergyLanes lanes_;
  PulseOutput s0_forward_;
  PulseOutput s0_reverse_;
  std::array<PulseOutput, kEnergyKindCount> led_;
  Diagnostics diagnostics_{};
  int64_t power_down_count_ = 0;
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_METER_H_
