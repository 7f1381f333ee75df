// EnergyLanes: the residue arithmetic of the accumulation core, for the eight energy flows a
// meter registers per interval — per kind (active, reactive) the three phases and their vector
// sum (the netted flow of C-10/C-11) — each split into forward and reverse.
//
// Energy arrives as signed µJ per lane (W·ns/1000, exact for the usual powers and durations);
// each direction keeps what has not yet made a whole µWh (3600 µJ) as a residue in [0, 3600).
// Integer-valued inputs stay exact (doubles hold integers exactly below 2^53); for any input,
// whole µWh × 3600 + residue equals the energy given to within a few ulps. Nothing is lost on
// a tariff switch, a code change or a rate change, because none of them touches the residues.
//
// The caller sums intervals per lane and direction over a run and settles the sums into whole
// µWh once per run: the per-interval cost is a few adds, not a floor-and-carry chain.
//
// Thread safety: none; owned by one Meter.
#ifndef PRO380_METERING_ENERGY_LANES_H_
#define PRO380_METERING_ENERGY_LANES_H_

#include <array>
#include <cmath>
#include <cstdint>

#include "metering/types.h"

namespace pro380::metering {

inline constexpr double kMicrojoulePerMicroWattHour = 3600;

// Lane of a phase (0..2) or of the netted sum (kPhaseCount) for one kind.
constexpr int EnergyLane(EnergyKind kind, int phase_or_net) {
  return static_cast<int>(kind) * (kPhaseCount + 1) + phase_or_net;
}
inline constexpr int kEnergyLaneCount = kEnergyKindCount * (kPhaseCount + 1);
static_assert(kEnergyLaneCount == 8);

using LaneEnergies = std::array<double, kEnergyLaneCount>;  // signed µJ per lane
using LaneWholes = std::array<int64_t, kEnergyLaneCount>;   // whole µWh per lane

class EnergyLanes {
 public:
  // Settles a run: `forward_uj`/`reverse_uj` are the run's energy per lane and direction (each
  // interval's positive part to forward, negative part to reverse; netting across phases has
  // already happened in the net lanes). Returns the whole µWh completed per lane and direction
  // and keeps the rest as the residues. A run's µJ sum stays exact for integer-valued inputs
  // below 2^53 µJ (2.5 GWh), so runs of a few hundred intervals lose nothing.
  void Settle(const LaneEnergies& forward_uj, const LaneEnergies& reverse_uj, LaneWholes& forward,
              LaneWholes& reverse) {
    for (int l = 0; l < kEnergyLaneCount; ++l) {
      forward[l] = Step(forward_[l], forward_uj[l]);
      reverse[l] = Step(reverse_[l], reverse_uj[l]);
    }
  }

  double residue_uj(int lane, Direction d) const {
    return d == Direction::kForward ? forward_[lane] : reverse_[lane];
  }
  void Restore(int lane, Direction d, double residue_uj) {
    (d == Direction::kForward ? forward_ : reverse_)[lane] = residue_uj;
  }

 private:
  // Adds `uj` (>= 0) to `residue`, keeps the sub-µWh rest, returns the whole µWh.
  static int64_t Step(double& residue, double uj) {
    const double total = residue + uj;
    double whole = std::floor(total * (1.0 / kMicrojoulePerMicroWattHour));
    const double rest = total - whole * kMicrojoulePerMicroWattHour;
    // The reciprocal may round across an exact multiple; correct by one either way.
    if (rest < 0) whole -= 1;
    if (rest >= kMicrojoulePerMicroWattHour) whole += 1;
    residue = total - whole * kMicrojoulePerMicroWattHour;
    return static_cast<int64_t>(whole);
  }

  std::array<double, kEnergyLaneCount> forward_{};
  std::array<double, kEnergyLaneCount> reverse_{};
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_ENERGY_LANES_H_
