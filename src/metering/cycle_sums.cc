#include "metering/cycle_sums.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define PRO380_PAIR_KERNEL_AVX2 1
#endif

#if defined(__GNUC__)
#define PRO380_RESTRICT __restrict__
#else
#define PRO380_RESTRICT
#endif

namespace pro380::metering {

StreamPosition StreamPosition::Plus(double samples) const {
  const double total = fraction + samples;
  const double whole = std::floor(total);
  return {cell + static_cast<int64_t>(whole), total - whole};
}

SegmentCells CellsOf(const StreamPosition& start, const StreamPosition& end, int64_t base) {
  assert(start < end);
  SegmentCells cells;
  const int64_t last = end.fraction > 0 ? end.cell : end.cell - 1;
  cells.first = start.cell - base;
  cells.count = static_cast<std::size_t>(last - start.cell + 1);
  cells.first_weight = 1 - start.fraction;
  cells.last_weight = end.fraction > 0 ? end.fraction : 1.0;
  cells.length = end.Minus(start);
  return cells;
}

FundamentalBasis::FundamentalBasis(std::size_t capacity)
    : capacity_(capacity), cos_(capacity + 8), sin_(capacity + 8), prefix_(capacity + 1) {}

void FundamentalBasis::Prepare(std::size_t cells, double omega) {
  assert(cells <= capacity_);
  // A stale ω leaves a phase error of |Δω|·cells at the end of the segment; below 1e-6 rad the
  // fit's error is far below the float resolution of the samples, so the table is kept.
  if (cells <= built_cells_ && std::fabs(omega - omega_) * static_cast<double>(cells) < 1e-6) {
    return;
  }
  // Build for the whole capacity so that longer segments at this frequency reuse it too. The
  // rotation runs in double eight lanes at a time (one sincos per build, not per sample).
  const std::size_t n = capacity_;
  double lane_c[8], lane_s[8];
  lane_c[0] = 1;
  lane_s[0] = 0;
  const double c1 = std::cos(omega), s1 = std::sin(omega);
  for (int j = 1; j < 8; ++j) {
    lane_c[j] = lane_c[j - 1] * c1 - lane_s[j - 1] * s1;
    lane_s[j] = lane_s[j - 1] * c1 + lane_c[j - 1] * s1;
  }
  const double c8 = std::cos(8 * omega), s8 = std::sin(8 * omega);
  for (std::size_t k0 = 0; k0 < n; k0 += 8) {
    for (int j = 0; j < 8; ++j) {
      cos_[k0 + j] = static_cast<float>(lane_c[j]);
      sin_[k0 + j] = static_cast<float>(lane_s[j]);
      const double c = lane_c[j] * c8 - lane_s[j] * s8;
      lane_s[j] = lane_s[j] * c8 + lane_c[j] * s8;
      lane_c[j] = c;
    }
    // Re-anchor every 1024 samples so rounding cannot drift over very long segments.
    if ((k0 + 8) % 1024 == 0) {
      for (int j = 0; j < 8; ++j) {
        const double theta = omega * static_cast<double>(k0 + 8 + j);
        lane_c[j] = std::cos(theta);
        lane_s[j] = std::sin(theta);
      }
    }
  }
  Prefix acc;
  prefix_[0] = acc;
  for (std::size_t k = 0; k < n; ++k) {
    const double c = cos_[k], s = sin_[k];
    acc.c += c;
    acc.s += s;
    acc.cc += c * c;
    acc.ss += s * s;
    acc.cs += c * s;
    prefix_[k + 1] = acc;
  }
  omega_ = omega;
  built_cells_ = n;
}

const FundamentalBasis::Fit& FundamentalBasis::FitFor(const SegmentCells& cells) {
  // Whole cycles of a steady frequency at a whole number of samples per cycle repeat exactly.
  if (cells.count == fit_cells_.count && cells.first_weight == fit_cells_.first_weight &&
      cells.last_weight == fit_cells_.last_weight && fit_omega_ == omega_) {
    return fit_;
  }
  fit_cells_ = cells;
  fit_omega_ = omega_;
  fit_ = Solve(cells);
  return fit_;
}

FundamentalBasis::Fit FundamentalBasis::Solve(const SegmentCells& cells) const {
  const std::size_t n = cells.count;
  const Prefix& all = prefix_[n];
  // Weighted sums: all cells at weight 1, then the end cells corrected to their weights.
  double sc = all.c, ss = all.s, scc = all.cc, sss = all.ss, scs = all.cs;
  const auto correct = [&](std::size_t k, double dw) {
    const double c = cos_[k], s = sin_[k];
    sc += dw * c;
    ss += dw * s;
    scc += dw * c * c;
    sss += dw * s * s;
    scs += dw * c * s;
  };
  correct(0, cells.first_weight - 1);
  correct(n - 1, cells.last_weight - 1);
  const double w = cells.length;
  // Symmetric normal matrix [[scc, scs, sc], [scs, sss, ss], [sc, ss, w]] and its inverse.
  const double a = scc, b = scs, c = sc, d = sss, e = ss, f = w;
  const double m00 = d * f - e * e, m01 = c * e - b * f, m02 = b * e - c * d;
  const double m11 = a * f - c * c, m12 = b * c - a * e, m22 = a * d - b * b;
  const double det = a * m00 + b * m01 + c * m02;
  Fit fit;
  // Below about a tenth of a cycle the three terms are nearly collinear; such a fit would only
  // amplify noise.
  if (!(det > 1e-6 * w * w * w)) return fit;
  const double inv = 1.0 / det;
  const double m[3][3] = {{m00, m01, m02}, {m01, m11, m12}, {m02, m12, m22}};
  for (int r = 0; r < 3; ++r) {
    for (int q = 0; q < 3; ++q) fit.inverse[r][q] = m[r][q] * inv;
  }
  fit.ok = true;
  return fit;
}

namespace {

// One kernel for both wirings: `volt(k)` is the metered voltage at cell k.
template <typename Voltage>
PairSums SumPairWith(Voltage volt, const float* PRO380_RESTRICT cur, const float* PRO380_RESTRICT c,
                     const float* PRO380_RESTRICT s, std::size_t n) {
  PairSums out;
  for (std::size_t k0 = 0; k0 < n; k0 += kFloatChunk) {
    const std::size_t k1 = std::min(n, k0 + kFloatChunk);
    float sv = 0, si = 0, svv = 0, sii = 0, svi = 0, svc = 0, svs = 0, sic = 0, sis = 0;
#pragma omp simd reduction(+ : sv, si, svv, sii, svi, svc, svs, sic, sis)
    for (std::size_t k = k0; k < k1; ++k) {
      const float v = volt(k);
      const float x = cur[k];
      sv += v;
      si += x;
      svv += v * v;
      sii += x * x;
      svi += v * x;
      svc += v * c[k];
      svs += v * s[k];
      sic += x * c[k];
      sis += x * s[k];
    }
    out.v += sv;
    out.i += si;
    out.vv += svv;
    out.ii += sii;
    out.vi += svi;
    out.vc += svc;
    out.vs += svs;
    out.ic += sic;
    out.is += sis;
  }
  return out;
}

#if PRO380_PAIR_KERNEL_AVX2
// The same sums with AVX2 + FMA by hand (x86-64-v3 builds). For a mains cycle of ~128 samples
// the portable loop spends as long on its remainder and its nine horizontal sums as on the
// samples; here the remainder is one masked step and the sums are folded eight at a time.
class Avx2PairKernel {
 public:
  // `vb` null: the metered voltage is `va`; otherwise va − vb (3P3W).
  Avx2PairKernel(const float* va, const float* vb, const float* cur, const float* c, const float* s)
      : va_(va), vb_(vb), cur_(cur), c_(c), s_(s) {}

  PairSums Sum(std::size_t n) const {
    PairSums out;
    for (std::size_t k0 = 0; k0 < n; k0 += kFloatChunk) {
      const std::size_t k1 = std::min(n, k0 + kFloatChunk);
      __m256 acc[9];
      for (__m256& a : acc) a = _mm256_setzero_ps();
      std::size_t k = k0;
      for (; k + 8 <= k1; k += 8) {
        Step(acc, [k](const float* p) { return _mm256_loadu_ps(p + k); });
      }
      if (k < k1) {
        const __m256i mask =
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTailMasks + 8 - (k1 - k)));
        Step(acc, [k, mask](const float* p) { return _mm256_maskload_ps(p + k, mask); });
      }
      double sums[9];
      Fold(acc, sums);
      out.v += sums[0];
      out.i += sums[1];
      out.vv += sums[2];
      out.ii += sums[3];
      out.vi += sums[4];
      out.vc += sums[5];
      out.vs += sums[6];
      out.ic += sums[7];
      out.is += sums[8];
    }
    return out;
  }

 private:
  // Lanes [8 − r, 16 − r) of this table mask the first r lanes.
  static constexpr int32_t kTailMasks[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                             0,  0,  0,  0,  0,  0,  0,  0};

  // One step of eight cells; `load(p)` reads the eight floats of this step from channel p
  // (plainly, or masked for the remainder).
  template <typename Load>
  void Step(__m256 (&acc)[9], Load load) const {
    __m256 v = load(va_);
    if (vb_) v = _mm256_sub_ps(v, load(vb_));
    const __m256 x = load(cur_);
    const __m256 c = load(c_);
    const __m256 s = load(s_);
    acc[0] = _mm256_add_ps(acc[0], v);
    acc[1] = _mm256_add_ps(acc[1], x);
    acc[2] = _mm256_fmadd_ps(v, v, acc[2]);
    acc[3] = _mm256_fmadd_ps(x, x, acc[3]);
    acc[4] = _mm256_fmadd_ps(v, x, acc[4]);
    acc[5] = _mm256_fmadd_ps(v, c, acc[5]);
    acc[6] = _mm256_fmadd_ps(v, s, acc[6]);
    acc[7] = _mm256_fmadd_ps(x, c, acc[7]);
    acc[8] = _mm256_fmadd_ps(x, s, acc[8]);
  }

  // Horizontal sums: the first eight accumulators transposed and added in one vector.
  static void Fold(const __m256 (&acc)[9], double (&out)[9]) {
    const __m256 ab = _mm256_hadd_ps(acc[0], acc[1]);
    const __m256 cd = _mm256_hadd_ps(acc[2], acc[3]);
    const __m256 ef = _mm256_hadd_ps(acc[4], acc[5]);
    const __m256 gh = _mm256_hadd_ps(acc[6], acc[7]);
    const __m256 abcd = _mm256_hadd_ps(ab, cd);  // [a b c d | a b c d] halves
    const __m256 efgh = _mm256_hadd_ps(ef, gh);
    const __m256 sums = _mm256_add_ps(_mm256_permute2f128_ps(abcd, efgh, 0x20),
                                      _mm256_permute2f128_ps(abcd, efgh, 0x31));
    _mm256_storeu_pd(out, _mm256_cvtps_pd(_mm256_castps256_ps128(sums)));
    _mm256_storeu_pd(out + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(sums, 1)));
    __m128 last = _mm_add_ps(_mm256_castps256_ps128(acc[8]), _mm256_extractf128_ps(acc[8], 1));
    last = _mm_hadd_ps(last, last);
    last = _mm_hadd_ps(last, last);
    out[8] = _mm_cvtss_f32(last);
  }

  const float* va_;
  const float* vb_;
  const float* cur_;
  const float* c_;
  const float* s_;
};
#endif

template <typename Signal>
RmsSums SumRmsWith(Signal x_at, std::size_t n) {
  RmsSums out;
  for (std::size_t k0 = 0; k0 < n; k0 += kFloatChunk) {
    const std::size_t k1 = std::min(n, k0 + kFloatChunk);
    float sx = 0, sxx = 0;
#pragma omp simd reduction(+ : sx, sxx)
    for (std::size_t k = k0; k < k1; ++k) {
      const float x = x_at(k);
      sx += x;
      sxx += x * x;
    }
    out.x += sx;
    out.xx += sxx;
  }
  return out;
}

}  // namespace

PairSums SumPair(const float* v, const float* i, const float* c, const float* s, std::size_t n) {
#if PRO380_PAIR_KERNEL_AVX2
  return Avx2PairKernel(v, nullptr, i, c, s).Sum(n);
#else
  const float* PRO380_RESTRICT vr = v;
  return SumPairWith([vr](std::size_t k) { return vr[k]; }, i, c, s, n);
#endif
}

PairSums SumPairDifference(const float* va, const float* vb, const float* i, const float* c,
                           const float* s, std::size_t n) {
#if PRO380_PAIR_KERNEL_AVX2
  return Avx2PairKernel(va, vb, i, c, s).Sum(n);
#else
  const float* PRO380_RESTRICT ar = va;
  const float* PRO380_RESTRICT br = vb;
  return SumPairWith([ar, br](std::size_t k) { return ar[k] - br[k]; }, i, c, s, n);
#endif
}

RmsSums SumRms(const float* x, std::size_t n) {
  const float* PRO380_RESTRICT xr = x;
  return SumRmsWith([xr](std::size_t k) { return xr[k]; }, n);
}

RmsSums SumRmsDifference(const float* xa, const float* xb, std::size_t n) {
  const float* PRO380_RESTRICT ar = xa;
  const float* PRO380_RESTRICT br = xb;
  return SumRmsWith([ar, br](std::size_t k) { return ar[k] - br[k]; }, n);
}

double Rms(const RmsSums& sums, double weight_sum) {
  const double m = sums.x / weight_sum;
  return std::sqrt(std::max(0.0, sums.xx / weight_sum - m * m));
}

}  // namespace pro380::metering
