#include "metering/meter.h"

#include <cmath>

#include "metering/aron.h"
#include "metering/ct_ratio.h"

namespace pro380::metering {
namespace {

constexpr int kFwd = static_cast<int>(Direction::kForward);
constexpr int kRev = static_cast<int>(Direction::kReverse);
constexpr int kActive = static_cast<int>(EnergyKind::kActive);

// 1 µWh = 3600 µJ = 3.6e-3 J.
double MeanPowerW(int64_t uwh, Duration duration) {
  const double seconds = ToSeconds(duration);
  return seconds > 0 ? static_cast<double>(uwh) * 3.6e-3 / seconds : 0.0;
}

}  // namespace

Meter::Meter(const MeterConfig& config)
    : config_(config),
      now_(config.start),
      s0_forward_(config.s0_rate.uwh_per_pulse),
      s0_reverse_(config.s0_rate.uwh_per_pulse),
      led_{PulseOutput(kLedUwhPerPulse), PulseOutput(kLedUwhPerPulse)} {
  if (!config_.ct_variant) {
    config_.ct_ratio = 0;
    config_.ct_locked = false;
  }
  UpdateCreepThreshold();
}

double Meter::current_scale() const {
  return config_.ct_variant && config_.ct_ratio > 0 ? config_.ct_ratio / 5.0 : 1.0;
}

void Meter::UpdateCreepThreshold() {
  const double ist = config_.ct_variant ? kCtStartingCurrentA : kDirectStartingCurrentA;
  creep_threshold_a_ = 0.5 * ist * current_scale();
}

void Meter::ApplyRecord(const Interval& star) {
  if (config_.wiring == Wiring::k3P3W) {
    Apply(ToAronElements(star));
  } else {
    Apply(star);
  }
}

void Meter::Apply(const Interval& elements) {
  const TimePoint start = now_;
  now_ += elements.duration;
  if (!registering()) {
    last_ = Interval{};
    last_.duration = elements.duration;
    return;
  }
  last_ = elements;
  const double uj_per_watt = static_cast<double>(elements.duration.count()) * 1e-3;
  const int tariff = static_cast<int>(config_.tariff);
  Credits phase_credits{};
  double net_active_w = 0;
  double net_reactive_var = 0;
  for (int k = 0; k < kPhaseCount; ++k) {
    PhaseValues& ph = last_.phase[k];
    diagnostics_.phase_present[k] = ph.voltage_v >= kPhasePresentVoltage;
    if (std::fabs(ph.current_a) < creep_threshold_a_) {
      // No-load: the phase registers nothing and shows no flow.
      ph.current_a = ph.active_w = ph.reactive_var = ph.apparent_va = 0;
      continue;
    }
    net_active_w += ph.active_w;
    net_reactive_var += ph.reactive_var;
    RegisterPhase(k, EnergyKind::kActive, ph.active_w * uj_per_watt, tariff, phase_credits);
    RegisterPhase(k, EnergyKind::kReactive, ph.reactive_var * uj_per_watt, tariff, phase_credits);
  }
  Credits net_credits{};
  RegisterNet(EnergyKind::kActive, net_active_w * uj_per_watt, net_credits);
  RegisterNet(EnergyKind::kReactive, net_reactive_var * uj_per_watt, net_credits);

  const Credits& to_totals =
      config_.combined_code == CombinedCode::kNetted ? net_credits : phase_credits;
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    registers_[kind].total[kFwd][tariff] += to_totals[kind][kFwd];
    registers_[kind].total[kRev][tariff] += to_totals[kind][kRev];
  }
  day_counter_uwh_ += to_totals[kActive][kFwd];
  DrivePulses(phase_credits, net_credits, start, elements.duration);
}

void Meter::RegisterPhase(int phase_index, EnergyKind kind, double signed_uj, int tariff,
                          Credits& credits) {
  if (signed_uj == 0) return;
  const int k = static_cast<int>(kind);
  const int dir = signed_uj > 0 ? kFwd : kRev;
  const int64_t uwh = phase_counters_[k][phase_index][dir].Add(std::fabs(signed_uj));
  registers_[k].phase[phase_index][dir][tariff] += uwh;
  credits[k][dir] += uwh;
}

void Meter::RegisterNet(EnergyKind kind, double signed_uj, Credits& credits) {
  if (signed_uj == 0) return;
  const int k = static_cast<int>(kind);
  const int dir = signed_uj > 0 ? kFwd : kRev;
  credits[k][dir] += net_counters_[k][dir].Add(std::fabs(signed_uj));
}

void Meter::DrivePulses(const Credits& phase_credits, const Credits& net_credits,
                        TimePoint start, Duration duration) {
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    // The LEDs flash for every phase's flow in either direction, as a test output must.
    const int64_t uwh = phase_credits[kind][kFwd] + phase_credits[kind][kRev];
    if (uwh > 0) led_[kind].Add(uwh, start, duration, kLedPulseWidth);
  }
  // Manual §6.10, "S0 output per code".
  int64_t forward = 0;
  int64_t reverse = 0;
  switch (config_.combined_code) {
    case CombinedCode::kForwardOnly:
      forward = phase_credits[kActive][kFwd];
      break;
    case CombinedCode::kReverseOnly:
      reverse = phase_credits[kActive][kRev];
      break;
    case CombinedCode::kForwardPlusReverse:
    case CombinedCode::kReverseMinusForward:
    case CombinedCode::kForwardMinusReverse:
      forward = phase_credits[kActive][kFwd];
      reverse = phase_credits[kActive][kRev];
      break;
    case CombinedCode::kNetted:
    case CombinedCode::kNettedPulses:
      forward = net_credits[kActive][kFwd];
      reverse = net_credits[kActive][kRev];
      break;
  }
  if (forward > 0) {
    s0_forward_.Add(forward, start, duration,
                    S0PulseWidth(config_.s0_rate, MeanPowerW(forward, duration)));
  }
  if (reverse > 0) {
    s0_reverse_.Add(reverse, start, duration,
                    S0PulseWidth(config_.s0_rate, MeanPowerW(reverse, duration)));
  }
}

SettingOutcome Meter::SetCombinedCode(CombinedCode code) {
  if (config_.combined_code == CombinedCode::kNetted && code != CombinedCode::kNetted) {
    return SettingOutcome::kLocked;
  }
  config_.combined_code = code;
  return SettingOutcome::kApplied;
}

SettingOutcome Meter::SetS0Rate(double impulses_per_kwh) {
  const auto rate = S0RateFromImpulses(impulses_per_kwh);
  if (!rate) return SettingOutcome::kInvalidValue;
  config_.s0_rate = *rate;
  s0_forward_.set_uwh_per_pulse(rate->uwh_per_pulse);
  s0_reverse_.set_uwh_per_pulse(rate->uwh_per_pulse);
  return SettingOutcome::kApplied;
}

void Meter::SetTariff(Tariff tariff) { config_.tariff = tariff; }

SettingOutcome Meter::SetCtRatio(int primary_amperes) {
  if (!config_.ct_variant || config_.ct_locked) return SettingOutcome::kLocked;
  if (!IsValidCtRatio(primary_amperes)) return SettingOutcome::kInvalidValue;
  config_.ct_ratio = primary_amperes;
  UpdateCreepThreshold();
  return SettingOutcome::kApplied;
}

SettingOutcome Meter::LockCtRatio() {
  if (!config_.ct_variant || config_.ct_ratio == 0) return SettingOutcome::kLocked;
  config_.ct_locked = true;
  return SettingOutcome::kApplied;
}

}  // namespace pro380::metering
