// The per-segment arithmetic of the waveform front end: the vectorised sums over one segment of
// the sample stream (normally one mains cycle) and the values they reduce to.
//
// Geometry. Positions in the stream are in samples: sample k stands for the cell [k, k+1) and
// was taken at its centre k + 1/2. A segment [start, end) covers the cells first = floor(start)
// to last = ceil(end) − 1; the first and last cells count with the fraction of them the segment
// covers. Consecutive segments therefore share their boundary cell exactly, every sample's
// weights add up to one over the stream, and the energy of all segments together is exactly the
// (midpoint-rule) energy of all samples, wherever the boundaries fall.
//
// Precision. Inside a segment the sums run in float over chunks of at most kFloatChunk samples
// (the SIMD fast path) and are folded into double per chunk: relative error ~1e-7 at any
// segment length. Everything after the sums is double.
#ifndef PRO380_METERING_CYCLE_SUMS_H_
#define PRO380_METERING_CYCLE_SUMS_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pro380::metering {

inline constexpr std::size_t kFloatChunk = 1024;

// A position in the stream: cell + fraction, exact at any stream length and independent of how
// the stream was cut into blocks.
struct StreamPosition {
  int64_t cell = 0;
  double fraction = 0;  // in [0, 1)

  // The position `samples` later (samples >= 0).
  StreamPosition Plus(double samples) const;
  // this − earlier, in samples.
  double Minus(const StreamPosition& earlier) const {
    return static_cast<double>(cell - earlier.cell) + (fraction - earlier.fraction);
  }
  bool operator<(const StreamPosition& o) const {
    return cell < o.cell || (cell == o.cell && fraction < o.fraction);
  }
};

// The cells a segment covers and the weights of its end cells.
struct SegmentCells {
  int64_t first = 0;        // first cell, relative to the `base` given to CellsOf
  std::size_t count = 0;    // cells first .. first + count − 1
  double first_weight = 1;  // share of the first cell covered, in (0, 1]
  double last_weight = 1;   // share of the last cell covered, in (0, 1]
  double length = 0;        // end − start, the sum of all weights
};

// REQUIRES: start < end.
SegmentCells CellsOf(const StreamPosition& start, const StreamPosition& end, int64_t base);

// Weighted sums of one (voltage, current) pair over a segment. c and s are the fundamental
// basis cos(ωk), sin(ωk) at the segment's frequency; their products are what the least-squares
// fit of the fundamental needs.
struct PairSums {
  double v = 0, i = 0, vv = 0, ii = 0, vi = 0;
  double vc = 0, vs = 0, ic = 0, is = 0;
};

// Σx and Σx² of a signal that is shown but not metered (3P3W: U31 and I2), or of a raw phase
// voltage when only its presence matters.
struct RmsSums {
  double x = 0, xx = 0;
};

// The fundamental basis for segments of up to `capacity` cells: cos(ωk), sin(ωk) as float for
// the kernels, with prefix sums so that the fit's normal matrix of any segment costs O(1). The
// table is rebuilt only when the frequency moves enough to matter (phase error at the end of a
// segment below 1e-6 rad otherwise), so a steady mains frequency builds it once.
class FundamentalBasis {
 public:
  explicit FundamentalBasis(std::size_t capacity);

  // Makes the table valid for `cells` cells at ω = `omega` rad per sample.
  // REQUIRES: cells <= capacity.
  void Prepare(std::size_t cells, double omega);

  const float* cos() const { return cos_.data(); }
  const float* sin() const { return sin_.data(); }

  // Inverse of the weighted normal matrix of the fit x ≈ a·cos + b·sin + d over `cells`.
  // `ok` is false when the segment is too short to separate the three terms.
  struct Fit {
    double inverse[3][3] = {};
    bool ok = false;
  };
  // Valid until the next call.
  const Fit& FitFor(const SegmentCells& cells);

 private:
  Fit Solve(const SegmentCells& cells) const;

  std::size_t capacity_;
  double omega_ = -1;
  std::size_t built_cells_ = 0;
  std::vector<float> cos_, sin_;
  // prefix_[k] = sums over cells 0..k−1 of c, s, c², s², c·s.
  struct Prefix {
    double c = 0, s = 0, cc = 0, ss = 0, cs = 0;
  };
  std::vector<Prefix> prefix_;
  // The last fit, reused while the segment geometry and frequency repeat exactly.
  SegmentCells fit_cells_;
  double fit_omega_ = -1;
  Fit fit_;
};

// Sums of the pair (v, i) over cells[0 .. n), c and s the basis; weights are applied by
// AddCell afterwards. The 3P3W variant meters the voltage difference va − vb.
PairSums SumPair(const float* v, const float* i, const float* c, const float* s, std::size_t n);
PairSums SumPairDifference(const float* va, const float* vb, const float* i, const float* c,
                           const float* s, std::size_t n);
RmsSums SumRms(const float* x, std::size_t n);
RmsSums SumRmsDifference(const float* xa, const float* xb, std::size_t n);

// Adds `weight` × one cell's contribution (weight < 0 removes part of a cell).
inline void AddCell(PairSums& sums, double weight, double v, double i, double c, double s) {
  const double wv = weight * v, wi = weight * i;
  sums.v += wv;
  sums.i += wi;
  sums.vv += wv * v;
  sums.ii += wi * i;
  sums.vi += wv * i;
  sums.vc += wv * c;
  sums.vs += wv * s;
  sums.ic += wi * c;
  sums.is += wi * s;
}
inline void AddCell(RmsSums& sums, double weight, double x) {
  sums.x += weight * x;
  sums.xx += weight * x * x;
}

// What a pair's sums mean. DC is removed algebraically with the segment's own weighted means:
// Σ(x−x̄)(y−ȳ) = Σxy − W·x̄·ȳ.
struct PairValues {
  double v_rms = 0;
  double i_rms = 0;
  double active = 0;    // mean v·i, harmonics included
  double reactive = 0;  // fundamental only: V1·I1·sin(φ1), + when the current lags
};
inline PairValues Evaluate(const PairSums& sums, double weight_sum,
                           const FundamentalBasis::Fit& fit) {
  PairValues out;
  const double per_weight = 1.0 / weight_sum;
  const double mv = sums.v * per_weight, mi = sums.i * per_weight;
  out.v_rms = std::sqrt(std::max(0.0, sums.vv * per_weight - mv * mv));
  out.i_rms = std::sqrt(std::max(0.0, sums.ii * per_weight - mi * mi));
  out.active = sums.vi * per_weight - mv * mi;
  if (fit.ok) {
    // The fit x ≈ a·cos θ + b·sin θ + d is the phasor a − jb; S1 = V·conj(I)/2, Q1 = Im S1.
    const auto& m = fit.inverse;
    const double av = m[0][0] * sums.vc + m[0][1] * sums.vs + m[0][2] * sums.v;
    const double bv = m[1][0] * sums.vc + m[1][1] * sums.vs + m[1][2] * sums.v;
    const double ai = m[0][0] * sums.ic + m[0][1] * sums.is + m[0][2] * sums.i;
    const double bi = m[1][0] * sums.ic + m[1][1] * sums.is + m[1][2] * sums.i;
    out.reactive = 0.5 * (av * bi - bv * ai);
  }
  return out;
}

double Rms(const RmsSums& sums, double weight_sum);

}  // namespace pro380::metering

#endif  // PRO380_METERING_CYCLE_SUMS_H_
