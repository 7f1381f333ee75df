// WaveformFrontEnd: the signal chain from sampled three-phase voltage and current to one
// metering::Interval per mains cycle — the netting unit of the meter (product.md).
//
// Per cycle: DC removal (each segment's own weighted mean, removed algebraically from its sums),
// RMS voltage and current, active power as the mean of v·i (harmonics included), fundamental
// reactive power Q1 (IEC 62053-24) from a least-squares fit of cos, sin and DC at the cycle's
// own measured frequency — exact for sinusoids whatever the number of samples per cycle —,
// apparent power Urms·Irms and the current signed like P. Cycles are cut at linearly
// interpolated rising zero crossings of the reference voltage (metering/zero_crossing.h): L1,
// or L2/L3 while L1 is absent. Without any crossing for 1/40 s a segment is closed at the nominal
// period, so input without voltage still advances meter time and registers nothing.
//
// Segments and time. The intervals tile the stream exactly: their durations add up to the
// samples received (rounded once, to whole ns of the stream position), and every sample's
// weight adds up to one (metering/cycle_sums.h), so the active energy registered is exactly the
// energy of the samples given. A cycle runs from crossing to crossing; a segment closed by the
// timeout is measured like one. The stretch before the first crossing after a (re)start (or a
// change of reference) and the stretch after the last crossing at Flush() are part cycles: they
// register their own active energy (less the DC offsets of the adjacent whole cycle — the next
// one, the previous one), but show that cycle's RMS values, apparent power and fundamental
// reactive power, which part of a cycle cannot measure; without an adjacent whole cycle they
// stand on their own samples. When a stream ends in a part cycle, Flush() follows it with a
// zero-length interval repeating the last whole cycle, so that the meter is left showing a
// whole-cycle measurement; that interval registers nothing.
//
// Wiring. 3P4W: element k = (v_k, i_k). 3P3W (Aron, metering/aron.h): element 1 = (v1 − v2, i1),
// element 3 = (v3 − v2, i3); phase[1] carries no power; the voltages shown are U12, U23, U31
// and the currents I1, I2, I3 (I2 unsigned).
//
// Currents are what the meter terminals see; for CT meters they are multiplied by
// current_scale, so intervals carry primary values.
//
// Thread safety: none; one thread owns a front end. No I/O, no clock.
#ifndef PRO380_METERING_WAVEFORM_FRONT_END_H_
#define PRO380_METERING_WAVEFORM_FRONT_END_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "metering/cycle_sums.h"
#include "metering/interval.h"
#include "metering/sample_block.h"
#include "metering/segment_measure.h"
#include "metering/types.h"

namespace pro380::metering {

struct FrontEndConfig {
  double sample_rate_hz = 6400;  // per channel
  Wiring wiring = Wiring::k3P4W;
  double current_scale = 1;  // primary / terminal current: Meter::current_scale()
  double nominal_frequency_hz = kNominalFrequency;  // length of a cycle closed by the timeout
};

inline constexpr double kMinSampleRateHz = 1000;
inline constexpr double kMaxSampleRateHz = 1'000'000;
// Crossings closer than 1/70 s are glitches; none within 1/40 s is the zero-crossing timeout.
inline constexpr double kMinMainsFrequencyHz = 40;
inline constexpr double kMaxMainsFrequencyHz = 70;
// The reported frequency follows the cycle frequency with this time constant.
inline constexpr double kFrequencySmoothingSeconds = 1.0;

struct FrontEndStats {
  int64_t samples = 0;           // per channel, received
  int64_t cycles = 0;            // whole cycles, crossing to crossing
  int64_t timeouts = 0;          // segments closed by the zero-crossing timeout
  int64_t partial_segments = 0;  // stretches before the first / after the last crossing
  int64_t invalid_segments = 0;  // held non-finite samples: registered as zero
  // Gave an interval outside the input limits (metering/input_limits.h): registered as zero.
  int64_t out_of_range_segments = 0;
  std::string first_out_of_range;  // "samples 0..128 (0 s): phase 1 voltage …", or empty
  int reference_phase = 0;         // 0..2: whose voltage marks the cycles now
};

// A borrowed callable taking `const Interval&`: the front end's output. It must outlive the
// call it is passed to (a lambda written in the call does).
class IntervalSink {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, IntervalSink> &&
           std::is_invocable_v<F&, const Interval&>)
      IntervalSink(F&& f)  // NOLINT: implicit so that a lambda can be passed directly
      : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_(&Call<std::remove_reference_t<F>>) {}

  void operator()(const Interval& interval) const { call_(object_, interval); }

 private:
  template <typename F>
  static void Call(void* object, const Interval& interval) {
    (*static_cast<F*>(object))(interval);
  }

  void* object_;
  void (*call_)(void*, const Interval&);
};

class WaveformFrontEnd {
 public:
  // Ok, or InvalidArgument naming the field and its allowed range.
  static Status CheckConfig(const FrontEndConfig& config);

  // REQUIRES: CheckConfig(config).ok()
  explicit WaveformFrontEnd(const FrontEndConfig& config);

  // Consumes the next `block.samples` samples of the stream; emits every interval they close.
  // Blocks may have any size; a cycle may span many blocks. Planar float32 with unit scale is
  // used in place; other encodings are converted in chunks.
  void Process(const SampleBlock& block, IntervalSink sink);

  // Ends the stream: emits what is still open, so that the intervals cover every sample given
  // (see "Segments and time"). Samples given afterwards start a new stream, as after a gap.
  void Flush(IntervalSink sink);

  double frequency_hz() const { return frequency_hz_; }  // smoothed; nominal until measured
  const FrontEndStats& stats() const { return stats_; }
  const FrontEndConfig& config() const { return config_; }

 private:
  // Samples of the six channels for stream indices [base, end): ch[c][k − base].
  struct View {
    std::array<const float*, kChannelCount> ch{};
    int64_t base = 0;
    int64_t end = 0;
  };
  void ProcessFloat(const std::array<const float*, kChannelCount>& ch, int64_t n,
                    IntervalSink& sink);
  void ProcessConverted(const SampleBlock& block, IntervalSink& sink);
  void CloseSegments(const View& view, IntervalSink& sink);
  void Close(const View& view, const StreamPosition& end, bool at_crossing, IntervalSink& sink);
  void ChooseReference(const SegmentMeasurement& m, bool at_crossing);
  // Every interval leaves through Emit: one outside the input limits is counted, described
  // (the first) and registers nothing, so the front end never breaks Meter::Apply's contract.
  // A check per interval (per mains cycle), not per sample.
  void Emit(const Interval& interval, const SegmentMeasurement& from, IntervalSink& sink,
            bool part_cycle = false);
  void EmitOutOfRange(const Interval& interval, const SegmentMeasurement& from, IntervalSink& sink);
  void Measure(const View& view, const StreamPosition& start, const StreamPosition& end,
               Duration duration, double fit_hz, bool need_presence, SegmentMeasurement& out);
  int FreeSlot() const;  // a slot that is neither last_full_ nor held_
  void UpdateFrequency(double period_samples);
  int64_t NsAt(const StreamPosition& position) const;  // ns since the stream began
  void CompactCarry();
  void KeepOpenSegment(const View& view);

  FrontEndConfig config_;
  double min_period_, max_period_, nominal_period_;  // samples
  int64_t max_span_;           // samples that always suffice to decide a segment
  long double ns_per_sample_;  // for any position of any stream
  int64_t whole_rate_;         // the sample rate if it is a whole number of Hz, else 0
  double ns_per_sample_fast_;  // for positions within one second
  float arm_level_;

  int64_t stream_end_ = 0;    // samples received
  StreamPosition seg_start_;  // start of the open segment
  int64_t seg_start_ns_ = 0;  // NsAt(seg_start_)
  bool seg_start_is_crossing_ = false;
  int reference_ = 0;
  double period_ = 0;  // last whole cycle, samples; 0 = unknown
  double last_cycle_hz_;
  double frequency_hz_;
  bool frequency_measured_ = false;
  bool reference_changed_ = false;  // by the last ChooseReference()
  // Measurements stay in three reusable slots: the latest whole cycle (last_full_), a part
  // cycle before a first crossing awaiting its whole cycle (held_), and the one being closed.
  std::array<SegmentMeasurement, 3> slots_{};
  int last_full_ = -1;  // slot index; -1 = none
  int held_ = -1;

  // Samples of the open segment that arrived in earlier blocks: [carry_base_, carry_end_).
  std::array<std::vector<float>, kChannelCount> carry_;
  int64_t carry_base_ = 0;
  int64_t carry_end_ = 0;
  std::array<std::vector<float>, kChannelCount> scratch_;  // converted input chunk
  FundamentalBasis basis_;
  FrontEndStats stats_;
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_WAVEFORM_FRONT_END_H_
