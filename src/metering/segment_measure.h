// What one segment of the sample stream measures, element by element, for the waveform front
// end (metering/waveform_front_end.h): the vectorised sums of metering/cycle_sums.h turned into
// an Interval, and the rule for a part cycle that lies next to a whole cycle.
#ifndef PRO380_METERING_SEGMENT_MEASURE_H_
#define PRO380_METERING_SEGMENT_MEASURE_H_

#include <array>

#include "base/time.h"
#include "metering/cycle_sums.h"
#include "metering/interval.h"
#include "metering/sample_block.h"
#include "metering/types.h"

namespace pro380::metering {

struct SegmentInput {
  std::array<const float*, kChannelCount> at_first{};  // each channel at the first cell
  SegmentCells cells;
  Duration duration{};  // of the interval the segment becomes (ns-rounded)
  Wiring wiring = Wiring::k3P4W;
  double current_scale = 1;
  double sample_rate_hz = 0;
  bool need_presence = false;  // 3P3W: also measure the raw phase voltages
};

struct SegmentMeasurement {
  Interval interval;  // with each element's own DC removed
  // Raw weighted sums per element (3P3W: elements 1 and 3 in [0] and [2], [1] unused).
  std::array<PairSums, kPhaseCount> sums{};
  double weight = 0;    // sum of the cell weights (the segment length in samples)
  double to_power = 0;  // turns a mean product into the interval's power (scale, ns rounding)
  std::array<double, kPhaseCount> phase_voltage{};  // RMS of the raw v1..v3 (3P4W always)
  bool invalid = false;      // some element held non-finite samples and was zeroed
  int64_t first_sample = 0;  // the segment's samples (stream indices), for messages
  int64_t end_sample = 0;
};

// Overwrites every field of `out` (which is reused from segment to segment, so a cycle costs no
// construction or copy of the measurement).
// REQUIRES: basis prepared for input.cells.count cells at the segment's fit frequency.
void MeasureSegment(const SegmentInput& input, FundamentalBasis& basis, SegmentMeasurement& out);

// A part cycle (less than a cycle, next to the whole cycle `cycle`) as registered: its own
// active energy, with the DC offsets of the whole cycle (the mean of a part of a sine is not its
// offset), and the whole cycle's RMS values, apparent and fundamental reactive power, which part
// of a cycle cannot measure. The current is signed like the part's own power.
Interval PartCycle(const SegmentMeasurement& part, const SegmentMeasurement& cycle);

}  // namespace pro380::metering

#endif  // PRO380_METERING_SEGMENT_MEASURE_H_
