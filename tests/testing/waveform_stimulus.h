// Analytic three-phase stimuli for the waveform front end: periodic signals given as finite
// Fourier series, so that the reference energies are known exactly (Parseval), sampled into
// planar float channels, and run through a front end and a meter.
//
// A stimulus fed for a whole number of its periods with every harmonic below Nyquist has a
// sampled energy equal to the analytic integral (discrete orthogonality); SuperPeriodSamples()
// gives that length for a sample rate that does not divide the mains period.
#ifndef PRO380_TESTING_WAVEFORM_STIMULUS_H_
#define PRO380_TESTING_WAVEFORM_STIMULUS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "metering/meter.h"
#include "metering/sample_block.h"
#include "metering/types.h"
#include "metering/waveform_front_end.h"

namespace pro380::testing {

// x(θ) = dc + Σ_h a_h·cos(hθ) + b_h·sin(hθ), θ the phase angle of the signal's base period.
class Signal {
 public:
  struct Term {
    int order;
    double a;  // cos coefficient
    double b;  // sin coefficient
  };

  Signal() = default;
  // √2·rms·sin(order·θ + phase).
  static Signal Sine(double rms, double phase_rad = 0, int order = 1);
  static Signal Dc(double value);
  // The Fourier series up to `max_order` of `shape` on [0, 2π), integrated piecewise between
  // `breaks` (where the shape jumps or kinks) so the coefficients are exact to ~1e-12.
  static Signal FromShape(const std::function<double(double)>& shape, int max_order,
                          const std::vector<double>& breaks);

  double At(double theta) const;
  // The same signal delayed by `phase_rad` of its base angle: x(θ − phase).
  Signal Delayed(double phase_rad) const;
  Signal operator-(const Signal& other) const;
  Signal operator+(const Signal& other) const;
  Signal operator*(double factor) const;

  double dc() const { return dc_; }
  const std::vector<Term>& terms() const { return terms_; }
  // The coefficients of one order (zero if absent).
  Term Coefficients(int order) const;

 private:
  void Add(int order, double a, double b);

  double dc_ = 0;
  std::vector<Term> terms_;
};

// Mean of v·i without the DC×DC term (the meter removes DC): Σ_h (a_v·a_i + b_v·b_i)/2.
double MeanPower(const Signal& v, const Signal& i);
// Reactive power of one order (the mains fundamental), + when the current lags.
double ReactivePower(const Signal& v, const Signal& i, int order);
// RMS without DC.
double AcRms(const Signal& x);

struct ThreePhase {
  std::array<Signal, 3> v;
  std::array<Signal, 3> i;
  double mains_hz = 50;
  // Mains cycles per base period of the signals (burst firing spans several cycles).
  int cycles_per_period = 1;
};

// A balanced sinusoidal system: U (phase RMS) and I with the current lagging by `phi`.
ThreePhase Balanced(double u_rms, double i_rms, double phi, double mains_hz);

// The (voltage, current) pair each metering element sees: 3P4W (v_k, i_k); 3P3W element 1
// (v1 − v2, i1), element 3 (v3 − v2, i3); phase 2 of a 3P3W meter meters nothing.
struct ElementSignals {
  bool metered = false;
  Signal v, i;
};
std::array<ElementSignals, 3> Elements(const ThreePhase& s, metering::Wiring wiring);

// Per-phase reference powers (W) and fundamental reactive powers (var) of what the elements see.
struct ReferencePowers {
  std::array<double, 3> active{};
  std::array<double, 3> reactive{};
};
ReferencePowers ReferenceOf(const ThreePhase& s, metering::Wiring wiring);

// Planar float samples of the six channels v1, i1, v2, i2, v3, i3.
struct Planar {
  std::array<std::vector<float>, metering::kChannelCount> ch;
  std::size_t samples = 0;
  metering::SampleBlock Block(std::size_t from, std::size_t count) const;
};

// Samples n = 0..count−1 taken at n / sample_rate (sample 0 at θ = 0 of every signal).
Planar Sample(const ThreePhase& s, double sample_rate_hz, std::size_t count);

// Samples in the shortest whole number of base periods of `s` (0 if none below 2^20).
std::size_t SuperPeriodSamples(const ThreePhase& s, double sample_rate_hz);

// Feeds `samples` through a front end set up for `meter` in blocks of `block` samples (the last
// one shorter), flushes, and returns the front end's statistics.
metering::FrontEndStats Feed(metering::Meter& meter, const Planar& samples, double sample_rate_hz,
                             std::size_t block);

// Signed registered energy of a phase, forward − reverse, in joules (J or var·s), residues
// included: what the meter was given, to the last µJ.
double RegisteredJoules(const metering::Meter& meter, metering::EnergyKind kind, int phase);

// A small fast generator for noise: xorshift64* with Box–Muller normals.
class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) : state_(seed ? seed : 1) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Normal();

 private:
  uint64_t state_;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace pro380::testing

#endif  // PRO380_TESTING_WAVEFORM_STIMULUS_H_
