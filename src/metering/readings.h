// Readings: every quantity of the quantity table, read off a Meter, in the Modbus map's units.
// Computed on demand from the meter's integer registers and last interval, so no reading can
// drift from the registers it reports.
#ifndef PRO380_METERING_READINGS_H_
#define PRO380_METERING_READINGS_H_

#include <array>

#include "metering/meter.h"
#include "metering/quantity.h"

namespace pro380::metering {

class Readings {
 public:
  double operator[](QuantityId id) const { return values_[static_cast<std::size_t>(id)]; }
  double& operator[](QuantityId id) { return values_[static_cast<std::size_t>(id)]; }

 private:
  std::array<double, kQuantityCount> values_{};
};

// Real-meter conventions (reference pro380-protocols.md §1.4): per-phase PF = |P|/S (1 without
// load); total PF = P/sqrt(P²+Q²) from the totals; total S = arithmetic sum of the phases' S;
// quadrants I–IV from the signs of P and Q (I: +P+Q, II: −P+Q, III: −P−Q, IV: +P−Q).
Readings Read(const Meter& meter);

// Quadrant 1..4 of a (P, Q) pair.
int Quadrant(double active, double reactive);

}  // namespace pro380::metering

#endif  // PRO380_METERING_READINGS_H_
