// 3P3W (Aron, two-wattmeter) view of a per-phase record. A 3-wire PRO380 has no neutral: its
// element 1 sees U12 and I1, its element 3 sees U32 and I3 (manual §5.7, bridge 13–17). Given a
// star-equivalent record (per-phase U, P, Q on a symmetric 120° voltage system), this computes
// what those two elements measure. Their sum equals the three-phase total exactly when the
// currents sum to zero, as they must without a neutral; a record with a neutral current is
// measured as an Aron meter would measure it, not as its phase sum.
#ifndef PRO380_METERING_ARON_H_
#define PRO380_METERING_ARON_H_

#include "metering/interval.h"

namespace pro380::metering {

// Returns the element view: phase[0] = element 1 (U12, I1), phase[2] = element 3 (U32, I3),
// phase[1] carries no power. Voltages are the line voltages U12, U23, U31; currents I1, I2, I3.
Interval ToAronElements(const Interval& star);

}  // namespace pro380::metering

#endif  // PRO380_METERING_ARON_H_
