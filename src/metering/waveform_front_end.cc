#include "metering/waveform_front_end.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <utility>

#include "metering/input_limits.h"
#include "metering/meter.h"
#include "metering/segment_measure.h"
#include "metering/zero_crossing.h"

namespace pro380::metering {
namespace {

constexpr int64_t kConvertChunk = 4096;

// Hysteresis: half the peak of the smallest voltage that counts as present. A present phase
// always arms it with room for ±30 V of noise; noise on an absent phase never does.
constexpr float kArmLevel = static_cast<float>(0.5 * std::numbers::sqrt2 * kPhasePresentVoltage);

std::string Number(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string("?");
}

template <typename T>
void ConvertChannel(const void* raw, std::size_t stride, int64_t offset, int64_t count, float scale,
                    float* out) {
  const T* in = static_cast<const T*>(raw) + offset * static_cast<int64_t>(stride);
  for (int64_t k = 0; k < count; ++k) {
    out[k] = static_cast<float>(in[k * static_cast<int64_t>(stride)]) * scale;
  }
}

}  // namespace

Status WaveformFrontEnd::CheckConfig(const FrontEndConfig& config) {
  if (!(config.sample_rate_hz >= kMinSampleRateHz && config.sample_rate_hz <= kMaxSampleRateHz)) {
    return Status::InvalidArgument("sample rate " + Number(config.sample_rate_hz) +
                                   " Hz is outside " + Number(kMinSampleRateHz) + ".." +
                                   Number(kMaxSampleRateHz) + " Hz");
  }
  if (!(config.current_scale > 0 && std::isfinite(config.current_scale))) {
    return Status::InvalidArgument("current scale " + Number(config.current_scale) +
                                   " is not a positive number");
  }
  if (!(config.nominal_frequency_hz >= kMinMainsFrequencyHz &&
        config.nominal_frequency_hz <= kMaxMainsFrequencyHz)) {
    return Status::InvalidArgument("nominal frequency " + Number(config.nominal_frequency_hz) +
                                   " Hz is outside " + Number(kMinMainsFrequencyHz) + ".." +
                                   Number(kMaxMainsFrequencyHz) + " Hz");
  }
  return Status::Ok();
}

WaveformFrontEnd::WaveformFrontEnd(const FrontEndConfig& config)
    : config_(config),
      min_period_(config.sample_rate_hz / kMaxMainsFrequencyHz),
      max_period_(config.sample_rate_hz / kMinMainsFrequencyHz),
      nominal_period_(config.sample_rate_hz / config.nominal_frequency_hz),
      max_span_(static_cast<int64_t>(std::ceil(max_period_)) + 2),
      ns_per_sample_(1e9L / static_cast<long double>(config.sample_rate_hz)),
      whole_rate_(config.sample_rate_hz == std::floor(config.sample_rate_hz)
                      ? static_cast<int64_t>(config.sample_rate_hz)
                      : 0),
      ns_per_sample_fast_(1e9 / config.sample_rate_hz),
      arm_level_(kArmLevel),
      last_cycle_hz_(config.nominal_frequency_hz),
      frequency_hz_(config.nominal_frequency_hz),
      basis_(static_cast<std::size_t>(max_span_) + 1) {
  for (auto& channel : carry_) channel.resize(static_cast<std::size_t>(max_span_));
  for (auto& channel : scratch_) channel.resize(kConvertChunk);
}

void WaveformFrontEnd::Process(const SampleBlock& block, IntervalSink sink) {
  if (block.samples == 0) return;
  if (block.IsPlainFloat()) {
    std::array<const float*, kChannelCount> ch;
    for (int c = 0; c < kChannelCount; ++c) ch[c] = static_cast<const float*>(block.channel[c]);
    ProcessFloat(ch, static_cast<int64_t>(block.samples), sink);
  } else {
    ProcessConverted(block, sink);
  }
}

void WaveformFrontEnd::ProcessConverted(const SampleBlock& block, IntervalSink& sink) {
  const int64_t total = static_cast<int64_t>(block.samples);
  std::array<const float*, kChannelCount> ch;
  for (int c = 0; c < kChannelCount; ++c) ch[c] = scratch_[c].data();
  for (int64_t offset = 0; offset < total; offset += kConvertChunk) {
    const int64_t count = std::min(kConvertChunk, total - offset);
    for (int c = 0; c < kChannelCount; ++c) {
      const float scale = static_cast<float>(block.scale[c]);
      float* out = scratch_[c].data();
      switch (block.type) {
        case SampleType::kInt16:
          ConvertChannel<int16_t>(block.channel[c], block.stride, offset, count, scale, out);
          break;
        case SampleType::kInt32:
          ConvertChannel<int32_t>(block.channel[c], block.stride, offset, count, scale, out);
          break;
        case SampleType::kFloat32:
          ConvertChannel<float>(block.channel[c], block.stride, offset, count, scale, out);
          break;
      }
    }
    ProcessFloat(ch, count, sink);
  }
}

void WaveformFrontEnd::ProcessFloat(const std::array<const float*, kChannelCount>& ch, int64_t n,
                                    IntervalSink& sink) {
  const int64_t block_base = stream_end_;
  const int64_t block_end = block_base + n;
  stats_.samples += n;
  // While the open segment began in an earlier block, work on the carried copy, topped up with
  // just as many new samples as can decide it.
  int64_t used = 0;
  while (seg_start_.cell < block_base) {
    CompactCarry();
    const int64_t want = seg_start_.cell + max_span_ - carry_end_;
    const int64_t take = std::min(n - used, want);
    if (take > 0) {
      for (int c = 0; c < kChannelCount; ++c) {
        std::memcpy(carry_[c].data() + (carry_end_ - carry_base_), ch[c] + used,
                    static_cast<std::size_t>(take) * sizeof(float));
      }
      used += take;
      carry_end_ += take;
    }
    View carried;
    for (int c = 0; c < kChannelCount; ++c) carried.ch[c] = carry_[c].data();
    carried.base = carry_base_;
    carried.end = carry_end_;
    CloseSegments(carried, sink);
    if (used == n && seg_start_.cell < block_base) {
      stream_end_ = block_end;
      return;
    }
  }
  View in_place;
  in_place.ch = ch;
  in_place.base = block_base;
  in_place.end = block_end;
  CloseSegments(in_place, sink);
  stream_end_ = block_end;
  KeepOpenSegment(in_place);
}

void WaveformFrontEnd::CompactCarry() {
  const int64_t drop = seg_start_.cell - carry_base_;
  if (drop <= 0) return;
  const int64_t keep = carry_end_ - carry_base_ - drop;
  for (auto& channel : carry_) {
    std::memmove(channel.data(), channel.data() + drop,
                 static_cast<std::size_t>(std::max<int64_t>(keep, 0)) * sizeof(float));
  }
  carry_base_ += drop;
  carry_end_ = std::max(carry_end_, carry_base_);
}

void WaveformFrontEnd::KeepOpenSegment(const View& view) {
  const int64_t from = std::max(seg_start_.cell, view.base);
  const int64_t count = std::max<int64_t>(view.end - from, 0);
  for (int c = 0; c < kChannelCount; ++c) {
    std::memcpy(carry_[c].data(), view.ch[c] + (from - view.base),
                static_cast<std::size_t>(count) * sizeof(float));
  }
  carry_base_ = from;
  carry_end_ = from + count;
}

void WaveformFrontEnd::CloseSegments(const View& view, IntervalSink& sink) {
  const float* reference = view.ch[VoltageChannel(reference_)];
  for (;;) {
    CrossingQuery query;
    query.start = static_cast<double>(seg_start_.cell - view.base) + seg_start_.fraction;
    query.start_is_crossing = seg_start_is_crossing_;
    query.predicted_period = period_;
    query.min_period = min_period_;
    query.max_period = max_period_;
    query.arm_level = arm_level_;
    const CrossingResult found = FindRisingCrossing(reference, view.end - view.base, query);
    switch (found.outcome) {
      case CrossingOutcome::kNeedMore:
        return;
      case CrossingOutcome::kFound: {
        // found.sample − 1/2 + found.fraction, fraction in (0, 1].
        const double at = found.fraction - 0.5;
        const int64_t sample = view.base + found.sample;
        Close(view, at < 0 ? StreamPosition{sample - 1, at + 1} : StreamPosition{sample, at}, true,
              sink);
        break;
      }
      case CrossingOutcome::kTimeout:
        Close(view, seg_start_.Plus(nominal_period_), false, sink);
        break;
    }
    reference = view.ch[VoltageChannel(reference_)];  // Close() may have changed it
  }
}

void WaveformFrontEnd::Close(const View& view, const StreamPosition& end, bool at_crossing,
                             IntervalSink& sink) {
  const StreamPosition start = seg_start_;
  const bool whole = at_crossing && seg_start_is_crossing_;
  const double length = end.Minus(start);
  if (whole) UpdateFrequency(length);
  // A whole cycle is fitted at its own measured frequency, anything else at the last one.
  const double fit_hz = whole ? config_.sample_rate_hz / length : last_cycle_hz_;
  const bool need_presence = !at_crossing || reference_ != 0;
  const int64_t end_ns = NsAt(end);
  const int slot = FreeSlot();
  SegmentMeasurement& m = slots_[slot];
  Measure(view, start, end, Duration(end_ns - seg_start_ns_), fit_hz, need_presence, m);
  if (whole) {
    ++stats_.cycles;
    if (held_ >= 0) {
      Emit(PartCycle(slots_[held_], m), slots_[held_], sink, true);
      held_ = -1;
    }
    Emit(m.interval, m, sink);
    ChooseReference(m, at_crossing);
    last_full_ = slot;
  } else {
    if (held_ >= 0) {  // no whole cycle followed it: it stands on its own samples
      Emit(slots_[held_].interval, slots_[held_], sink, true);
      held_ = -1;
    }
    if (at_crossing) {
      ++stats_.partial_segments;
    } else {
      ++stats_.timeouts;
      Emit(m.interval, m, sink);
    }
    last_full_ = -1;
    ChooseReference(m, at_crossing);
    if (at_crossing) held_ = slot;
  }
  seg_start_ = end;
  seg_start_ns_ = end_ns;
  // A change of reference makes the boundary no crossing of the new one.
  seg_start_is_crossing_ = at_crossing && !reference_changed_;
}

void WaveformFrontEnd::Emit(const Interval& interval, const SegmentMeasurement& from,
                            IntervalSink& sink, bool part_cycle) {
  if (!part_cycle) [[likely]] {
    if (ElementsWithinLimits(interval, config_.wiring)) [[likely]] {
      sink(interval);
      return;
    }
  } else {
    // A part of a cycle registers the mean of v·i over its own samples, which reaches up to
    // twice the cycle's (the peak of a sinusoid's instantaneous power); its RMS values are the
    // whole cycle's. So its active power is allowed twice the limit (kPartCyclePowerFactor).
    Interval checked = interval;
    for (PhaseValues& phase : checked.phase) phase.active_w /= kPartCyclePowerFactor;
    if (ElementsWithinLimits(checked, config_.wiring)) {
      sink(interval);
      return;
    }
  }
  EmitOutOfRange(interval, from, sink);
}

[[gnu::noinline, gnu::cold]] void WaveformFrontEnd::EmitOutOfRange(const Interval& interval,
                                                                   const SegmentMeasurement& from,
                                                                   IntervalSink& sink) {
  if (stats_.out_of_range_segments++ == 0) {
    stats_.first_out_of_range =
        "samples " + std::to_string(from.first_sample) + ".." + std::to_string(from.end_sample) +
        " (from " + Number(static_cast<double>(from.first_sample) / config_.sample_rate_hz) +
        " s): " + DescribeElementsOutsideLimits(interval, config_.wiring);
  }
  Interval zeroed = interval;
  zeroed.phase = {};
  sink(zeroed);
}

int WaveformFrontEnd::FreeSlot() const {
  int slot = 0;
  while (slot == last_full_ || slot == held_) ++slot;
  return slot;
}

void WaveformFrontEnd::ChooseReference(const SegmentMeasurement& m, bool at_crossing) {
  const auto present = [&m](int phase) { return m.phase_voltage[phase] >= kPhasePresentVoltage; };
  int next = reference_;
  if (!at_crossing) {
    // The reference gave no crossing: take the first other phase that has voltage.
    for (int k = 0; k < kPhaseCount; ++k) {
      if (k != reference_ && present(k)) {
        next = k;
        break;
      }
    }
  } else if (reference_ != 0 && present(0)) {
    next = 0;  // L1 is the reference whenever it is there
  }
  reference_changed_ = next != reference_;
  reference_ = next;
  stats_.reference_phase = reference_;
}

void WaveformFrontEnd::Measure(const View& view, const StreamPosition& start,
                               const StreamPosition& end, Duration duration, double fit_hz,
                               bool need_presence, SegmentMeasurement& m) {
  SegmentInput input;
  input.cells = CellsOf(start, end, view.base);
  for (int c = 0; c < kChannelCount; ++c) input.at_first[c] = view.ch[c] + input.cells.first;
  input.duration = duration;
  input.wiring = config_.wiring;
  input.current_scale = config_.current_scale;
  input.sample_rate_hz = config_.sample_rate_hz;
  input.need_presence = need_presence;
  basis_.Prepare(input.cells.count, 2 * std::numbers::pi * fit_hz / config_.sample_rate_hz);
  MeasureSegment(input, basis_, m);
  m.first_sample = start.cell;
  m.end_sample = end.cell + (end.fraction > 0 ? 1 : 0);
  m.interval.frequency_hz = frequency_hz_;
  if (m.invalid) ++stats_.invalid_segments;
}

void WaveformFrontEnd::UpdateFrequency(double period_samples) {
  const double hz = config_.sample_rate_hz / period_samples;
  period_ = period_samples;
  last_cycle_hz_ = hz;
  if (!frequency_measured_) {
    frequency_hz_ = hz;
    frequency_measured_ = true;
    return;
  }
  const double alpha =
      std::min(1.0, period_samples / config_.sample_rate_hz / kFrequencySmoothingSeconds);
  frequency_hz_ += alpha * (hz - frequency_hz_);
}

int64_t WaveformFrontEnd::NsAt(const StreamPosition& position) const {
  if (whole_rate_ > 0) {  // exact whole seconds, then a remainder below one second in double
    const int64_t seconds = position.cell / whole_rate_;
    const double rest = static_cast<double>(position.cell % whole_rate_) + position.fraction;
    return seconds * 1'000'000'000 +
           static_cast<int64_t>(std::floor(rest * ns_per_sample_fast_ + 0.5));
  }
  return std::llround((static_cast<long double>(position.cell) + position.fraction) *
                      ns_per_sample_);
}

void WaveformFrontEnd::Flush(IntervalSink sink) {
  const StreamPosition end{stream_end_, 0};
  if (held_ >= 0) {
    Emit(slots_[held_].interval, slots_[held_], sink, true);
    held_ = -1;
  }
  if (seg_start_ < end) {
    ++stats_.partial_segments;
    View carried;
    for (int c = 0; c < kChannelCount; ++c) carried.ch[c] = carry_[c].data();
    carried.base = carry_base_;
    carried.end = carry_end_;
    const int64_t end_ns = NsAt(end);
    SegmentMeasurement& part = slots_[FreeSlot()];
    Measure(carried, seg_start_, end, Duration(end_ns - seg_start_ns_), last_cycle_hz_, false,
            part);
    if (seg_start_is_crossing_ && last_full_ >= 0) {
      Emit(PartCycle(part, slots_[last_full_]), part, sink, true);
      // Leave the meter showing a whole-cycle measurement, not the part-cycle remainder.
      Interval shown = slots_[last_full_].interval;
      shown.duration = Duration::zero();
      Emit(shown, slots_[last_full_], sink);
    } else {
      Emit(part.interval, part, sink, true);
    }
  }
  seg_start_ = end;
  seg_start_ns_ = NsAt(end);
  seg_start_is_crossing_ = false;
  last_full_ = -1;
  carry_base_ = carry_end_ = stream_end_;
}

}  // namespace pro380::metering
