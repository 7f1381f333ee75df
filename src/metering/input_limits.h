// Physical range limits of the meter's input: the one table every source checks its values
// against (`const:`, `csv:`, the waveform front end, later MQTT/HTTP), so that no input can drive
// the engine's int64 µWh arithmetic into overflow or register physically impossible energy.
// The reasons for each figure are in docs/decisions/metering.md, "Input limits".
//
// Star records (what a record source gives, metering/interval.h) must lie within the record
// ranges. What reaches Meter::ApplyAll are elements: in 3P4W the star record itself; in 3P3W the
// two Aron elements (metering/aron.h), which see line voltages, so their voltage and powers are
// bounded by √3 × the star limits.
#ifndef PRO380_METERING_INPUT_LIMITS_H_
#define PRO380_METERING_INPUT_LIMITS_H_

#include <chrono>
#include <cstdint>
#include <limits>
#include <numbers>
#include <string>
#include <string_view>

#include "base/time.h"
#include "metering/ct_ratio.h"
#include "metering/interval.h"
#include "metering/types.h"

namespace pro380::metering {

// A closed range [min, max] of one quantity, with its unit for messages.
struct InputRange {
  double min;
  double max;
  std::string_view unit;

  // False for NaN, so a check written with Contains also rejects non-finite values.
  constexpr bool Contains(double value) const { return value >= min && value <= max; }
};

// Manual §5: Un 230 V, operational 230 V ±20 % (276 V phase to neutral); 300 V leaves 9 %.
inline constexpr InputRange kVoltageRange{0, 300, "V"};
// The largest primary current: the largest CT ratio (7500/5 A) at the CT meter's Imax of 6 A
// is 9000 A (a direct meter: Imax 100 A); 10 000 A leaves 11 %. Signed like P.
inline constexpr double kLargestPrimaryCurrentA = kCtRatios.back() / 5.0 * 6.0;
inline constexpr InputRange kCurrentRange{-10'000, 10'000, "A"};
static_assert(kCurrentRange.max >= kLargestPrimaryCurrentA * 1.1);
// Per phase, P, Q and S can be no larger than U × I at the two limits above.
inline constexpr double kMaxPhasePower = kVoltageRange.max * kCurrentRange.max;  // 3 MW
inline constexpr InputRange kActivePowerRange{-kMaxPhasePower, kMaxPhasePower, "W"};
inline constexpr InputRange kReactivePowerRange{-kMaxPhasePower, kMaxPhasePower, "var"};
inline constexpr InputRange kApparentPowerRange{0, kMaxPhasePower, "VA"};
// Manual §5: operational frequency 45–60 Hz; 65 Hz leaves 5 Hz above 60. Frequency is shown
// only; it never enters the energy arithmetic.
inline constexpr InputRange kFrequencyRange{45, 65, "Hz"};

// 3P3W elements see line voltages, up to √3 × the largest star voltage, and the line currents.
inline constexpr InputRange kElementVoltageRange{0, std::numbers::sqrt3* kVoltageRange.max, "V"};
inline constexpr double kMaxElementPower = kElementVoltageRange.max * kCurrentRange.max;

// The waveform front end's part cycles (the stretch before the first crossing of a stream and
// after its last) register the mean of v·i over less than a cycle, up to twice the cycle's
// power; their active power may reach this multiple of the limit. They last less than a cycle
// each, which the overflow figure below leaves room for many times over.
inline constexpr double kPartCyclePowerFactor = 2;

// The longest stretch of meter time one input may cover: the largest `--duration` of
// `pro380 simulate` and the longest `csv:` file (first row's time to the end of the last row).
inline constexpr Duration kMaxRunDuration = std::chrono::hours(24 * 365 * 100);
inline constexpr std::string_view kMaxRunDurationText = "100 years";  // 365-day years

// The most power the registers can receive per interval, summed over the elements (each
// element's |P| goes to its forward or reverse register, and the totals and the day counter
// receive the sum): 3P4W three phases of kMaxPhasePower, 3P3W two elements of kMaxElementPower.
inline constexpr double kMaxRegisteredPower =
    3 * kMaxPhasePower > 2 * kMaxElementPower ? 3 * kMaxPhasePower : 2 * kMaxElementPower;
// µWh registered in kMaxRunDuration at kMaxRegisteredPower: every register of a fresh meter
// stays below the int64 limit (10.39 MW for 100 years is 9.10e18 of 9.22e18 µWh; the registers
// would overflow after 101 years of it, 117 years in 3P4W).
inline constexpr double kMaxRunMicroWattHours =
    kMaxRegisteredPower * 1e6 * static_cast<double>(kMaxRunDuration.count()) / 3.6e12;
static_assert(kMaxRunMicroWattHours < static_cast<double>(std::numeric_limits<int64_t>::max()),
              "the limits let a run of kMaxRunDuration overflow the int64 µWh registers");

// "-3000000..3000000 W": the range as messages show it.
std::string RangeText(const InputRange& range);
// A value as messages show it: shortest round-trip form ("1e+300", "230.5").
std::string ValueText(double value);

// The ranges a phase's values must lie in: kStarRanges for star records and 3P4W elements,
// kAronElementRanges for 3P3W elements.
struct PhaseRanges {
  InputRange voltage;
  InputRange current;
  InputRange active;
  InputRange reactive;
  InputRange apparent;
};
inline constexpr PhaseRanges kStarRanges{kVoltageRange, kCurrentRange, kActivePowerRange,
                                         kReactivePowerRange, kApparentPowerRange};
inline constexpr PhaseRanges kAronElementRanges{kElementVoltageRange,
                                                kCurrentRange,
                                                {-kMaxElementPower, kMaxElementPower, "W"},
                                                {-kMaxElementPower, kMaxElementPower, "var"},
                                                {0, kMaxElementPower, "VA"}};

constexpr const PhaseRanges& ElementRanges(Wiring wiring) {
  return wiring == Wiring::k3P3W ? kAronElementRanges : kStarRanges;
}

// Inline: sources call these once per record or cycle.
inline bool PhaseWithinLimits(const PhaseValues& phase, const PhaseRanges& ranges) {
  return ranges.voltage.Contains(phase.voltage_v) && ranges.current.Contains(phase.current_a) &&
         ranges.active.Contains(phase.active_w) && ranges.reactive.Contains(phase.reactive_var) &&
         ranges.apparent.Contains(phase.apparent_va);
}

// True when every value of a star record lies within the record ranges above (frequency
// included); false for any non-finite value.
inline bool RecordWithinLimits(const Interval& record) {
  bool within = kFrequencyRange.Contains(record.frequency_hz);
  for (const PhaseValues& phase : record.phase) within &= PhaseWithinLimits(phase, kStarRanges);
  return within;
}

// True when every phase of an interval of elements (3P4W: a star record; 3P3W: Aron elements,
// whose phase[1] carries U23 and I2) lies within ElementRanges(wiring); the frequency is not
// checked. False for any non-finite value.
inline bool ElementsWithinLimits(const Interval& elements, Wiring wiring) {
  const PhaseRanges& ranges = ElementRanges(wiring);
  bool within = true;
  for (const PhaseValues& phase : elements.phase) within &= PhaseWithinLimits(phase, ranges);
  return within;
}

// The first value of `elements` outside the element ranges, as "phase 2 active power 1e+36 W is
// outside -5196152.4..5196152.4 W"; empty when ElementsWithinLimits(elements, wiring).
std::string DescribeElementsOutsideLimits(const Interval& elements, Wiring wiring);

}  // namespace pro380::metering

#endif  // PRO380_METERING_INPUT_LIMITS_H_
