#include "metering/s0_rate.h"

#include <cmath>

namespace pro380::metering {

std::optional<S0Rate> S0RateFromImpulses(double impulses_per_kwh) {
  for (const S0Rate& rate : kS0Rates) {
    if (std::fabs(impulses_per_kwh - rate.impulses_per_kwh) <= 1e-6 * rate.impulses_per_kwh) {
      return rate;
    }
  }
  return std::nullopt;
}

std::string_view S0RateList() { return "10000, 2000, 1000, 100, 10, 1, 0.1, 0.01"; }

Duration S0PulseWidth(const S0Rate& rate, double power_w) {
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  const double p = std::fabs(power_w);
  const double r = rate.impulses_per_kwh;
  if (r == 1000 || r == 2000 || r == 10000) {
    if (p < 5000) return milliseconds(40);
    if (p < 10000) return milliseconds(20);
    if (p < 20000) return milliseconds(10);
    if (p < 40000) return milliseconds(5);
    return microseconds(2500);
  }
  if (r == 100) return p < 50000 ? milliseconds(40) : milliseconds(20);
  return milliseconds(40);
}

}  // namespace pro380::metering
