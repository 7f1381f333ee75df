#include "testing/waveform_stimulus.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>

namespace pro380::testing {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

}  // namespace

Signal Signal::Sine(double rms, double phase_rad, int order) {
  // √2·rms·sin(hθ + φ) = √2·rms·(sin φ·cos hθ + cos φ·sin hθ)
  Signal s;
  const double peak = std::numbers::sqrt2 * rms;
  s.Add(order, peak * std::sin(phase_rad), peak * std::cos(phase_rad));
  return s;
}

Signal Signal::Dc(double value) {
  Signal s;
  s.dc_ = value;
  return s;
}

Signal Signal::FromShape(const std::function<double(double)>& shape, int max_order,
                         const std::vector<double>& breaks) {
  std::vector<double> edges = {0};
  edges.insert(edges.end(), breaks.begin(), breaks.end());
  edges.push_back(kTwoPi);
  std::vector<std::complex<double>> acc(static_cast<std::size_t>(max_order) + 1);
  std::vector<std::complex<double>> power(acc.size());
  constexpr int kSteps = 16384;  // Simpson intervals per smooth piece
  for (std::size_t p = 0; p + 1 < edges.size(); ++p) {
    const double a = edges[p], b = edges[p + 1];
    const double h = (b - a) / kSteps;
    for (int k = 0; k <= kSteps; ++k) {
      // Evaluate just inside the piece so a jump at its edge takes this piece's side.
      const double theta = std::clamp(a + k * h, a + 1e-13, b - 1e-13);
      const double weight = (k == 0 || k == kSteps) ? 1.0 : (k % 2 ? 4.0 : 2.0);
      const double x = shape(theta) * weight * h / 3;
      const std::complex<double> step = std::polar(1.0, a + k * h);
      std::complex<double> z = 1;
      for (int order = 0; order <= max_order; ++order) {
        acc[order] += x * z;
        z *= step;
      }
    }
  }
  Signal s;
  s.dc_ = acc[0].real() / kTwoPi;
  for (int order = 1; order <= max_order; ++order) {
    // a_h = (1/π)∫x cos hθ, b_h = (1/π)∫x sin hθ; acc holds ∫x·e^{jhθ}.
    s.Add(order, acc[order].real() / std::numbers::pi, acc[order].imag() / std::numbers::pi);
  }
  return s;
}

void Signal::Add(int order, double a, double b) {
  for (Term& t : terms_) {
    if (t.order == order) {
      t.a += a;
      t.b += b;
      return;
    }
  }
  terms_.push_back({order, a, b});
}

double Signal::At(double theta) const {
  double x = dc_;
  for (const Term& t : terms_)
    x += t.a * std::cos(t.order * theta) + t.b * std::sin(t.order * theta);
  return x;
}

Signal Signal::Delayed(double phase_rad) const {
  // a cos h(θ−δ) + b sin h(θ−δ) = (a cos hδ − b sin hδ) cos hθ + (a sin hδ + b cos hδ) sin hθ
  Signal s;
  s.dc_ = dc_;
  for (const Term& t : terms_) {
    const double c = std::cos(t.order * phase_rad), n = std::sin(t.order * phase_rad);
    s.Add(t.order, t.a * c - t.b * n, t.a * n + t.b * c);
  }
  return s;
}

Signal Signal::operator+(const Signal& other) const {
  Signal s = *this;
  s.dc_ += other.dc_;
  for (const Term& t : other.terms_) s.Add(t.order, t.a, t.b);
  return s;
}

Signal Signal::operator-(const Signal& other) const { return *this + other * -1.0; }

Signal Signal::operator*(double factor) const {
  Signal s = *this;
  s.dc_ *= factor;
  for (Term& t : s.terms_) {
    t.a *= factor;
    t.b *= factor;
  }
  return s;
}

Signal::Term Signal::Coefficients(int order) const {
  for (const Term& t : terms_) {
    if (t.order == order) return t;
  }
  return {order, 0, 0};
}

double MeanPower(const Signal& v, const Signal& i) {
  double p = 0;
  for (const Signal::Term& t : v.terms()) {
    const Signal::Term u = i.Coefficients(t.order);
    p += 0.5 * (t.a * u.a + t.b * u.b);
  }
  return p;
}

double ReactivePower(const Signal& v, const Signal& i, int order) {
  // Sine-referenced phasors: angle φ = atan2(a, b); Q = (Vp·Ip/2)·sin(φv − φi).
  const Signal::Term x = v.Coefficients(order);
  const Signal::Term y = i.Coefficients(order);
  return 0.5 * (x.a * y.b - x.b * y.a);
}

double AcRms(const Signal& x) { return std::sqrt(MeanPower(x, x)); }

ThreePhase Balanced(double u_rms, double i_rms, double phi, double mains_hz) {
  ThreePhase s;
  s.mains_hz = mains_hz;
  for (int k = 0; k < 3; ++k) {
    const double shift = -kTwoPi * k / 3;
    s.v[k] = Signal::Sine(u_rms, shift);
    s.i[k] = Signal::Sine(i_rms, shift - phi);
  }
  return s;
}

std::array<ElementSignals, 3> Elements(const ThreePhase& s, metering::Wiring wiring) {
  std::array<ElementSignals, 3> e;
  if (wiring == metering::Wiring::k3P4W) {
    for (int k = 0; k < 3; ++k) e[k] = {true, s.v[k], s.i[k]};
  } else {
    e[0] = {true, s.v[0] - s.v[1], s.i[0]};
    e[2] = {true, s.v[2] - s.v[1], s.i[2]};
  }
  return e;
}

ReferencePowers ReferenceOf(const ThreePhase& s, metering::Wiring wiring) {
  ReferencePowers r;
  const auto elements = Elements(s, wiring);
  for (int k = 0; k < 3; ++k) {
    if (!elements[k].metered) continue;
    r.active[k] = MeanPower(elements[k].v, elements[k].i);
    r.reactive[k] = ReactivePower(elements[k].v, elements[k].i, s.cycles_per_period);
  }
  return r;
}

metering::SampleBlock Planar::Block(std::size_t from, std::size_t count) const {
  std::array<const float*, metering::kChannelCount> p;
  for (int c = 0; c < metering::kChannelCount; ++c) p[c] = ch[c].data() + from;
  return metering::PlanarFloatBlock(p, count);
}

std::size_t SuperPeriodSamples(const ThreePhase& s, double sample_rate_hz) {
  const double per_period = sample_rate_hz * s.cycles_per_period / s.mains_hz;
  for (int periods = 1; periods * per_period < (1 << 20); ++periods) {
    const double n = periods * per_period;
    if (std::fabs(n - std::round(n)) < 1e-9 * n) return static_cast<std::size_t>(std::round(n));
  }
  return 0;
}

Planar Sample(const ThreePhase& s, double sample_rate_hz, std::size_t count) {
  Planar out;
  out.samples = count;
  const double base_hz = s.mains_hz / s.cycles_per_period;
  const std::size_t period = SuperPeriodSamples(s, sample_rate_hz);
  const std::size_t table = period > 0 && period < count ? period : count;
  for (int c = 0; c < metering::kChannelCount; ++c) {
    const Signal& x = c % 2 == 0 ? s.v[c / 2] : s.i[c / 2];
    std::vector<float>& dst = out.ch[c];
    dst.resize(count);
    for (std::size_t n = 0; n < table; ++n) {
      // The phase as a fraction of a period first, so it stays exact for long tables.
      const double cycles = static_cast<double>(n) * base_hz / sample_rate_hz;
      dst[n] = static_cast<float>(x.At(kTwoPi * (cycles - std::floor(cycles))));
    }
    for (std::size_t n = table; n < count; ++n) dst[n] = dst[n - table];
  }
  return out;
}

metering::FrontEndStats Feed(metering::Meter& meter, const Planar& samples, double sample_rate_hz,
                             std::size_t block) {
  metering::FrontEndConfig config;
  config.sample_rate_hz = sample_rate_hz;
  config.wiring = meter.config().wiring;
  config.current_scale = meter.current_scale();
  metering::WaveformFrontEnd front_end(config);
  const auto apply = [&meter](const metering::Interval& interval) { meter.Apply(interval); };
  for (std::size_t from = 0; from < samples.samples; from += block) {
    front_end.Process(samples.Block(from, std::min(block, samples.samples - from)), apply);
  }
  front_end.Flush(apply);
  return front_end.stats();
}

double RegisteredJoules(const metering::Meter& meter, metering::EnergyKind kind, int phase) {
  using metering::Direction;
  const auto& regs = meter.registers(kind);
  const double uwh = static_cast<double>(regs.Phase(phase, Direction::kForward)) -
                     static_cast<double>(regs.Phase(phase, Direction::kReverse));
  const double residue_uj = meter.residue_uj(kind, phase, Direction::kForward) -
                            meter.residue_uj(kind, phase, Direction::kReverse);
  return (uwh * 3600 + residue_uj) * 1e-6;
}

double FastRandom::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u = 1.0 - Uniform();  // (0, 1]
  const double v = Uniform();
  const double r = std::sqrt(-2 * std::log(u));
  spare_ = r * std::sin(kTwoPi * v);
  has_spare_ = true;
  return r * std::cos(kTwoPi * v);
}

}  // namespace pro380::testing
