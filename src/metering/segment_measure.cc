#include "metering/segment_measure.h"

#include <cmath>

namespace pro380::metering {
namespace {

PhaseValues Element(const PairValues& pv, double current_scale, double to_power) {
  PhaseValues e;
  const double current = pv.i_rms * current_scale;
  e.voltage_v = pv.v_rms;
  e.active_w = pv.active * to_power;
  e.reactive_var = pv.reactive * to_power;
  e.apparent_va = pv.v_rms * current;
  e.current_a = e.active_w < 0 ? -current : current;
  return e;
}

// A sum of non-finite values or of finite values that overflowed is itself non-finite.
bool IsFinite(const PhaseValues& p) {
  return std::isfinite(p.voltage_v + p.current_a + p.active_w + p.reactive_var + p.apparent_va);
}

// Sums over the segment's cells with the end cells at their weights. `volt(k)` is the metered
// voltage of cell k, computed exactly as the kernel computes it.
class Summer {
 public:
  Summer(const SegmentInput& input, const FundamentalBasis& basis)
      : n_(input.cells.count),
        first_delta_(input.cells.first_weight - 1),
        last_delta_(input.cells.last_weight - 1),
        c_(basis.cos()),
        s_(basis.sin()) {}

  PairSums Pair(const float* va, const float* vb, const float* cur) const {
    PairSums sums = vb ? SumPairDifference(va, vb, cur, c_, s_, n_) : SumPair(va, cur, c_, s_, n_);
    const std::size_t last = n_ - 1;
    AddCell(sums, first_delta_, Volt(va, vb, 0), cur[0], c_[0], s_[0]);
    AddCell(sums, last_delta_, Volt(va, vb, last), cur[last], c_[last], s_[last]);
    return sums;
  }

  RmsSums Rms(const float* xa, const float* xb) const {
    RmsSums sums = xb ? SumRmsDifference(xa, xb, n_) : SumRms(xa, n_);
    AddCell(sums, first_delta_, Volt(xa, xb, 0));
    AddCell(sums, last_delta_, Volt(xa, xb, n_ - 1));
    return sums;
  }

 private:
  static double Volt(const float* va, const float* vb, std::size_t k) {
    return vb ? double{va[k] - vb[k]} : double{va[k]};
  }

  std::size_t n_;
  double first_delta_, last_delta_;
  const float* c_;
  const float* s_;
};

}  // namespace

void MeasureSegment(const SegmentInput& input, FundamentalBasis& basis, SegmentMeasurement& m) {
  m.weight = input.cells.length;
  m.invalid = false;
  m.interval.duration = input.duration;
  const double seconds = ToSeconds(input.duration);
  // Power × the ns-rounded duration must give the weighted sample energy exactly.
  m.to_power = seconds > 0 ? input.current_scale * m.weight / input.sample_rate_hz / seconds : 0.0;
  const FundamentalBasis::Fit& fit = basis.FitFor(input.cells);
  const Summer sum(input, basis);
  const auto& ch = input.at_first;
  Interval& out = m.interval;

  if (input.wiring == Wiring::k3P4W) {
    for (int k = 0; k < kPhaseCount; ++k) {
      m.sums[k] = sum.Pair(ch[VoltageChannel(k)], nullptr, ch[CurrentChannel(k)]);
      const PairValues pv = Evaluate(m.sums[k], m.weight, fit);
      out.phase[k] = Element(pv, input.current_scale, m.to_power);
      m.phase_voltage[k] = pv.v_rms;
    }
  } else {
    const float* v2 = ch[VoltageChannel(1)];
    m.sums[1] = PairSums{};
    m.phase_voltage = {};
    out.phase[1] = PhaseValues{};
    m.sums[0] = sum.Pair(ch[VoltageChannel(0)], v2, ch[CurrentChannel(0)]);
    m.sums[2] = sum.Pair(ch[VoltageChannel(2)], v2, ch[CurrentChannel(2)]);
    const PairValues e1 = Evaluate(m.sums[0], m.weight, fit);
    const PairValues e3 = Evaluate(m.sums[2], m.weight, fit);
    out.phase[0] = Element(e1, input.current_scale, m.to_power);
    out.phase[2] = Element(e3, input.current_scale, m.to_power);
    // Shown as on a 3-wire meter (metering/aron.h): U12, U23, U31 and I1, I2 (unsigned), I3.
    out.phase[1].voltage_v = e3.v_rms;  // |U32| = U23
    out.phase[1].current_a =
        metering::Rms(sum.Rms(ch[CurrentChannel(1)], nullptr), m.weight) * input.current_scale;
    out.phase[2].voltage_v =
        metering::Rms(sum.Rms(ch[VoltageChannel(2)], ch[VoltageChannel(0)]), m.weight);
    if (input.need_presence) {
      for (int k = 0; k < kPhaseCount; ++k) {
        m.phase_voltage[k] = metering::Rms(sum.Rms(ch[VoltageChannel(k)], nullptr), m.weight);
      }
    }
  }
  // A non-finite sample poisons only the sums it entered: that element registers nothing for
  // this segment (3P3W: v2 enters both elements). Its sums stay non-finite, so a part cycle
  // built on them registers nothing either.
  for (int k = 0; k < kPhaseCount; ++k) {
    if (!IsFinite(out.phase[k]) || !std::isfinite(m.phase_voltage[k])) {
      out.phase[k] = PhaseValues{};
      m.phase_voltage[k] = 0;
      m.invalid = true;
    }
  }
}

Interval PartCycle(const SegmentMeasurement& part, const SegmentMeasurement& cycle) {
  Interval out = cycle.interval;
  out.duration = part.interval.duration;
  for (int k = 0; k < kPhaseCount; ++k) {
    const PairSums& s = part.sums[k];
    const double dv = cycle.sums[k].v / cycle.weight;
    const double di = cycle.sums[k].i / cycle.weight;
    // Σ(v − dv)(i − di) = Σvi − dv·Σi − di·Σv + W·dv·di
    const double mean = (s.vi - dv * s.i - di * s.v + part.weight * dv * di) / part.weight;
    const double active = std::isfinite(mean) ? mean * part.to_power : 0.0;
    const double magnitude = std::fabs(cycle.interval.phase[k].current_a);
    out.phase[k].active_w = active;
    out.phase[k].current_a = active < 0 ? -magnitude : magnitude;
  }
  return out;
}

}  // namespace pro380::metering
