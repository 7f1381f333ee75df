#include "metering/aron.h"

#include <array>
#include <cmath>
#include <complex>
#include <numbers>

namespace pro380::metering {
namespace {

using Phasor = std::complex<double>;

// Current phasor of a star phase from its voltage phasor and complex power S = V·conj(I).
Phasor CurrentPhasor(const Phasor& voltage, const PhaseValues& p) {
  if (std::abs(voltage) == 0) return {};
  const Phasor s(p.active_w, p.reactive_var);
  Phasor current = std::conj(s / voltage);
  // A source that states |I| explicitly (e.g. a CSV column) keeps that magnitude.
  const double stated = std::fabs(p.current_a);
  const double derived = std::abs(current);
  if (stated > 0 && derived > 0) current *= stated / derived;
  return current;
}

PhaseValues Element(const Phasor& voltage, const Phasor& current) {
  const Phasor s = voltage * std::conj(current);
  PhaseValues e;
  e.voltage_v = std::abs(voltage);
  e.active_w = s.real();
  e.reactive_var = s.imag();
  e.apparent_va = std::abs(voltage) * std::abs(current);
  e.current_a = e.active_w < 0 ? -std::abs(current) : std::abs(current);
  return e;
}

}  // namespace

Interval ToAronElements(const Interval& star) {
  constexpr double kStep = 2.0 * std::numbers::pi / 3.0;
  std::array<Phasor, kPhaseCount> v;
  std::array<Phasor, kPhaseCount> i;
  for (int k = 0; k < kPhaseCount; ++k) {
    v[k] = std::polar(star.phase[k].voltage_v, -kStep * k);
    i[k] = CurrentPhasor(v[k], star.phase[k]);
  }
  Interval out;
  out.frequency_hz = star.frequency_hz;
  out.duration = star.duration;
  out.phase[0] = Element(v[0] - v[1], i[0]);
  out.phase[2] = Element(v[2] - v[1], i[2]);
  out.phase[1].voltage_v = std::abs(v[1] - v[2]);
  // Shown per phase as on a 3-wire meter: U12, U23, U31 and the three line currents.
  out.phase[2].voltage_v = std::abs(v[2] - v[0]);
  out.phase[1].current_a = std::abs(i[1]);
  return out;
}

}  // namespace pro380::metering
