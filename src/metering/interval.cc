#include "metering/interval.h"

#include <cmath>

namespace pro380::metering {

PhaseValues PhaseFromPower(double voltage_v, double active_w, double reactive_var) {
  PhaseValues v;
  v.voltage_v = voltage_v;
  v.active_w = active_w;
  v.reactive_var = reactive_var;
  v.apparent_va = std::hypot(active_w, reactive_var);
  if (voltage_v > 0) {
    const double magnitude = v.apparent_va / voltage_v;
    v.current_a = active_w < 0 ? -magnitude : magnitude;
  }
  return v;
}

}  // namespace pro380::metering
