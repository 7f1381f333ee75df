// 3P3W records: what the two Aron elements measure.
#include "metering/aron.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metering/meter.h"

namespace pro380::metering {
namespace {

Interval Star(double p, double q) {
  Interval r;
  for (auto& ph : r.phase) ph = PhaseFromPower(230, p, q);
  r.duration = std::chrono::seconds(1);
  return r;
}

TEST(Aron, BalancedLoadElementsSumToTheThreePhaseTotal) {
  for (double angle_deg : {0.0, 60.0, -36.87, 180.0, 120.0}) {
    const double a = angle_deg * M_PI / 180;
    const Interval e = ToAronElements(Star(2000 * std::cos(a), 2000 * std::sin(a)));
    EXPECT_NEAR(e.phase[0].active_w + e.phase[2].active_w, 6000 * std::cos(a), 1e-6) << angle_deg;
    EXPECT_NEAR(e.phase[0].reactive_var + e.phase[2].reactive_var, 6000 * std::sin(a), 1e-6);
    EXPECT_EQ(e.phase[1].active_w, 0);
    EXPECT_NEAR(e.phase[0].voltage_v, 230 * std::sqrt(3.0), 1e-9);  // U12
  }
}

TEST(Aron, PowerFactorOneSplitsUnevenlyBetweenTheElements) {
  // Two-wattmeter method at PF 1: each element reads U·I·cos(±30°) — equal; at PF 0.5 ind one
  // element reads U·I·cos(30°+60°) = 0 and the other carries everything.
  const Interval pf05 = ToAronElements(Star(1000, 1000 * std::sqrt(3.0)));
  const double u_line = 230 * std::sqrt(3.0);
  const double i = 2000 / 230.0;
  EXPECT_NEAR(pf05.phase[0].active_w, u_line * i * std::cos(90 * M_PI / 180), 1e-6);
  EXPECT_NEAR(pf05.phase[2].active_w, u_line * i * std::cos(30 * M_PI / 180), 1e-6);
}

TEST(Aron, MeterIn3P3WRegistersTheElementsAndTheSameTotal) {
  MeterConfig config;
  config.wiring = Wiring::k3P3W;
  Meter meter(config);
  for (int s = 0; s < 3600; ++s) meter.ApplyRecord(Star(1000, 500));
  const EnergyRegisters& regs = meter.registers(EnergyKind::kActive);
  EXPECT_NEAR(static_cast<double>(regs.Total(Direction::kForward)), 3e9, 10);
  EXPECT_EQ(regs.Phase(1, Direction::kForward), 0);
  EXPECT_GT(regs.Phase(0, Direction::kForward), 0);
  EXPECT_GT(regs.Phase(2, Direction::kForward), 0);
}

}  // namespace
}  // namespace pro380::metering
