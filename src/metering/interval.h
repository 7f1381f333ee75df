// Interval: what the meter's three measuring elements saw over one stretch of time. It is the
// single input of the accumulation core: one per-phase record, or one mains cycle of the
// waveform front end. Netting across phases (C-10, and the S0 outputs of C-10/C-11) is evaluated
// per Interval.
#ifndef PRO380_METERING_INTERVAL_H_
#define PRO380_METERING_INTERVAL_H_

#include <array>

#include "base/time.h"
#include "metering/types.h"

namespace pro380::metering {

struct PhaseValues {
  double voltage_v = 0;     // RMS voltage
  double current_a = 0;     // RMS current, signed like active_w (a real PRO380 reports exporting
                            // phases with negative current)
  double active_w = 0;      // mean active power, + = forward (import)
  double reactive_var = 0;  // mean fundamental reactive power, + = inductive (quadrants I, II)
  double apparent_va = 0;   // Urms · Irms, never negative
};

struct Interval {
  std::array<PhaseValues, kPhaseCount> phase{};
  double frequency_hz = 50;
  Duration duration{};
};

inline constexpr double kNominalVoltage = 230.0;
inline constexpr double kNominalFrequency = 50.0;

// The phase values a source states as U, P, Q: current = S/U signed like P, S = sqrt(P²+Q²).
// With U = 0 the current is 0 (nothing can flow through an element without voltage).
PhaseValues PhaseFromPower(double voltage_v, double active_w, double reactive_var);

}  // namespace pro380::metering

#endif  // PRO380_METERING_INTERVAL_H_
