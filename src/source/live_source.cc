#include "source/live_source.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "metering/input_limits.h"

namespace pro380::source {

bool LiveReading::empty() const {
  if (frequency_hz) return false;
  return std::none_of(phase.begin(), phase.end(), [](const Phase& p) {
    return p.voltage_v || p.current_a || p.active_w || p.reactive_var;
  });
}

Status ValidateLiveTimeouts(const LiveTimeouts& timeouts) {
  if (timeouts.stale <= Duration::zero()) {
    return Status::InvalidArgument("the stale time must be longer than 0 s");
  }
  if (timeouts.timeout < timeouts.stale) {
    return Status::InvalidArgument("the timeout must not be shorter than the stale time");
  }
  if (timeouts.record_step <= Duration::zero()) {
    return Status::InvalidArgument("the record step must be longer than 0 s");
  }
  return Status::Ok();
}

std::string_view LiveStateName(LiveState state) {
  switch (state) {
    case LiveState::kWaiting:
      return "waiting";
    case LiveState::kFresh:
      return "fresh";
    case LiveState::kStale:
      return "stale";
    case LiveState::kTimedOut:
      return "timed_out";
  }
  return "waiting";
}

metering::PhaseValues DerivePhase(double voltage_v, std::optional<double> current_a,
                                  std::optional<double> active_w,
                                  std::optional<double> reactive_var) {
  if (!active_w && !reactive_var) {
    const double i = current_a.value_or(0);
    metering::PhaseValues phase = metering::PhaseFromPower(voltage_v, voltage_v * i, 0);
    // PhaseFromPower gives I = 0 at U = 0; a stated current is kept (nothing registers: P = 0).
    if (voltage_v == 0) phase.current_a = i;
    return phase;
  }
  const double p = active_w.value_or(0);
  const double q = reactive_var.value_or(0);
  metering::PhaseValues phase = metering::PhaseFromPower(voltage_v, p, q);
  if (current_a) {
    const double s = voltage_v * std::abs(*current_a);
    if (s > phase.apparent_va) {
      phase.apparent_va = s;
      phase.current_a = std::abs(*current_a);
      if (p < 0) phase.current_a = -phase.current_a;
    }
  }
  return phase;
}

LiveSource::LiveSource(TimePoint start, const LiveTimeouts& timeouts)
    : timeouts_(timeouts), cursor_(start) {
  measured_ = Measured(inputs_, frequency_hz_);
}

metering::Interval LiveSource::Measured(
    const std::array<PhaseInputs, metering::kPhaseCount>& inputs,
    std::optional<double> frequency_hz) const {
  metering::Interval record;
  record.frequency_hz = frequency_hz.value_or(metering::kNominalFrequency);
  for (int k = 0; k < metering::kPhaseCount; ++k) {
    const PhaseInputs& in = inputs[k];
    record.phase[k] = DerivePhase(in.voltage_v.value_or(metering::kNominalVoltage), in.current_a,
                                  in.active_w, in.reactive_var);
  }
  return record;
}

namespace {

// "phase 2 active power 1e+36 W is outside -3000000..3000000 W"
Status OutsideLimits(const std::string& what, double value, const metering::InputRange& range) {
  return Status::InvalidArgument(what + " " + metering::ValueText(value) + " " +
                                 std::string(range.unit) + " is outside " +
                                 metering::RangeText(range));
}

}  // namespace

Status LiveSource::Update(const LiveReading& reading, TimePoint arrival) {
  Status st = Take(reading, arrival);
  if (st.ok()) {
    schedule_.clear();
    next_step_ = 0;
  }
  return st;
}

Status LiveSource::SetSchedule(std::vector<ScheduledReading> steps, TimePoint start) {
  LiveSource trial = *this;
  trial.schedule_.clear();
  std::vector<std::pair<TimePoint, LiveReading>> schedule;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const std::string name = "step " + std::to_string(k);
    if (steps[k].after < Duration::zero() || (k > 0 && steps[k].after < steps[k - 1].after)) {
      return Status::InvalidArgument(name + ": steps must be in order of their time, from 0 s");
    }
    const TimePoint at = start + steps[k].after;
    if (Status st = trial.Take(steps[k].reading, at); !st.ok()) {
      return Status::InvalidArgument(name + ": " + st.message());
    }
    schedule.emplace_back(at, steps[k].reading);
  }
  schedule_ = std::move(schedule);
  next_step_ = 0;
  return Status::Ok();
}

void LiveSource::TakeDueSteps() {
  while (next_step_ < schedule_.size() && schedule_[next_step_].first <= cursor_) {
    // Checked by SetSchedule against the same values in the same order.
    (void)Take(schedule_[next_step_].second, schedule_[next_step_].first);
    ++next_step_;
  }
}

Status LiveSource::Take(const LiveReading& reading, TimePoint arrival) {
  const auto refuse = [this](Status status) {
    ++rejected_;
    return status;
  };
  if (reading.empty()) return refuse(Status::InvalidArgument("the reading states no value"));
  std::array<PhaseInputs, metering::kPhaseCount> inputs = inputs_;
  std::optional<double> frequency = frequency_hz_;
  if (reading.frequency_hz) {
    if (!metering::kFrequencyRange.Contains(*reading.frequency_hz)) {
      return refuse(OutsideLimits("frequency", *reading.frequency_hz, metering::kFrequencyRange));
    }
    frequency = reading.frequency_hz;
  }
  for (int k = 0; k < metering::kPhaseCount; ++k) {
    const LiveReading::Phase& in = reading.phase[k];
    const std::string name = "phase " + std::to_string(k + 1);
    const struct {
      const std::optional<double>& value;
      const metering::InputRange& range;
      const char* what;
    } checks[] = {{in.voltage_v, metering::kVoltageRange, " voltage"},
                  {in.current_a, metering::kCurrentRange, " current"},
                  {in.active_w, metering::kActivePowerRange, " active power"},
                  {in.reactive_var, metering::kReactivePowerRange, " reactive power"}};
    for (const auto& check : checks) {
      if (check.value && !check.range.Contains(*check.value)) {
        return refuse(OutsideLimits(name + check.what, *check.value, check.range));
      }
    }
    PhaseInputs& phase = inputs[k];
    if (in.voltage_v) phase.voltage_v = in.voltage_v;
    if (in.current_a || in.active_w || in.reactive_var) {
      phase.current_a = in.current_a;
      phase.active_w = in.active_w;
      phase.reactive_var = in.reactive_var;
    }
    const bool has_power = phase.active_w.value_or(0) != 0 || phase.reactive_var.value_or(0) != 0;
    if (phase.voltage_v == 0.0 && has_power) {
      return refuse(Status::InvalidArgument(name + " has power but its voltage is 0 V"));
    }
  }
  const metering::Interval measured = Measured(inputs, frequency);
  for (int k = 0; k < metering::kPhaseCount; ++k) {
    const metering::PhaseValues& phase = measured.phase[k];
    const std::string name = "phase " + std::to_string(k + 1);
    if (!metering::kCurrentRange.Contains(phase.current_a)) {
      return refuse(OutsideLimits(name + " current S/U", phase.current_a, metering::kCurrentRange));
    }
    if (!metering::kApparentPowerRange.Contains(phase.apparent_va)) {
      return refuse(OutsideLimits(name + " apparent power", phase.apparent_va,
                                  metering::kApparentPowerRange));
    }
  }
  inputs_ = inputs;
  frequency_hz_ = frequency;
  measured_ = measured;
  last_update_ = arrival;
  ++accepted_;
  return Status::Ok();
}

LiveState LiveSource::StateAt(TimePoint now) const {
  if (!last_update_) return LiveState::kWaiting;
  if (pending_steps() > 0) return LiveState::kFresh;
  const Duration age = now - *last_update_;
  if (age >= timeouts_.timeout) return LiveState::kTimedOut;
  if (age >= timeouts_.stale) return LiveState::kStale;
  return LiveState::kFresh;
}

metering::Interval LiveSource::RecordAt(TimePoint now) const {
  metering::Interval record = measured_;
  const LiveState state = StateAt(now);
  if (state == LiveState::kTimedOut || state == LiveState::kWaiting) {
    // Zero load; the voltage and frequency last measured (nominal before any) stay.
    for (metering::PhaseValues& phase : record.phase) {
      phase = metering::PhaseFromPower(phase.voltage_v, 0, 0);
    }
  }
  return record;
}

Result<std::size_t> LiveSource::Read(std::span<metering::Interval> out) {
  if (out.empty()) return std::size_t{0};
  TakeDueSteps();
  Duration step = timeouts_.record_step;
  if (pending_steps() > 0) {
    step = std::min(step, schedule_[next_step_].first - cursor_);
  } else if (last_update_) {
    const TimePoint timeout_at = *last_update_ + timeouts_.timeout;
    if (cursor_ < timeout_at) step = std::min(step, timeout_at - cursor_);
  }
  out[0] = RecordAt(cursor_);
  out[0].duration = step;
  cursor_ += step;
  return std::size_t{1};
}

LiveStatus LiveSource::status(TimePoint now) const {
  return {StateAt(now), last_update_, accepted_, rejected_};
}

}  // namespace pro380::source
