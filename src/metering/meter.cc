#include "metering/meter.h"

#include <algorithm>
#include <cmath>
#include <span>
#include <type_traits>

#include "metering/aron.h"
#include "metering/ct_ratio.h"
#include "metering/meter_state.h"

namespace pro380::metering {
namespace {

constexpr int kFwd = static_cast<int>(Direction::kForward);
constexpr int kRev = static_cast<int>(Direction::kReverse);

// max(x, 0) and max(−x, 0) by arithmetic, exact in binary floating point, and branch-free:
// with a compare the compiler emits branches that mispredict whenever a flow changes sign.
inline double PositivePart(double x) { return 0.5 * (x + std::fabs(x)); }
inline double NegativePart(double x) { return 0.5 * (std::fabs(x) - x); }

}  // namespace

Meter::Meter(const MeterConfig& config)
    : config_(config),
      now_(config.start),
      s0_forward_(config.s0_rate),
      s0_reverse_(config.s0_rate) {
  if (!config_.ct_variant) {
    config_.ct_ratio = 0;
    config_.ct_locked = false;
  }
  UpdateCreepThreshold();
}

Meter::Meter(const MeterState& state) : Meter(state.config) {
  registers_ = state.registers;
  for (int d = 0; d < kDirectionCount; ++d) {
    for (int lane = 0; lane < kEnergyLaneCount; ++lane) {
      lanes_.Restore(lane, static_cast<Direction>(d), state.residues_uj[d][lane]);
    }
  }
  day_counter_uwh_ = state.day_counter_uwh;
  s0_forward_.Restore(state.s0_forward.pulses, state.s0_forward.residue_uwh);
  s0_reverse_.Restore(state.s0_reverse.pulses, state.s0_reverse.residue_uwh);
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    led_[kind].Restore(state.led[kind].pulses, state.led[kind].residue_uwh);
  }
  power_down_count_ = state.power_down_count;
}

MeterState Meter::state() const {
  MeterState s;
  s.config = config_;
  s.config.start = now_;
  s.registers = registers_;
  for (int d = 0; d < kDirectionCount; ++d) {
    for (int lane = 0; lane < kEnergyLaneCount; ++lane) {
      s.residues_uj[d][lane] = lanes_.residue_uj(lane, static_cast<Direction>(d));
    }
  }
  s.day_counter_uwh = day_counter_uwh_;
  s.s0_forward = {s0_forward_.pulses(), s0_forward_.residue_uwh()};
  s.s0_reverse = {s0_reverse_.pulses(), s0_reverse_.residue_uwh()};
  for (int kind = 0; kind < kEnergyKindCount; ++kind) {
    s.led[kind] = {led_[kind].pulses(), led_[kind].residue_uwh()};
  }
  s.power_down_count = power_down_count_;
  return s;
}

double Meter::current_scale() const {
  return config_.ct_variant && config_.ct_ratio > 0 ? config_.ct_ratio / 5.0 : 1.0;
}

void Meter::UpdateCreepThreshold() {
  const double ist = config_.ct_variant ? kCtStartingCurrentA : kDirectStartingCurrentA;
  creep_threshold_a_ = 0.5 * ist * current_scale();
}

void Meter::ApplyRecord(const Interval& star) { ApplyRecords(std::span(&star, 1)); }

void Meter::ApplyRecords(std::span<const Interval> star) {
  if (config_.wiring == Wiring::k3P4W) {
    ApplyAll(star);
    return;
  }
  std::array<Interval, 64> elements;
  while (!star.empty()) {
    const std::size_t n = std::min(star.size(), elements.size());
    for (std::size_t i = 0; i < n; ++i) elements[i] = ToAronElements(star[i]);
    ApplyAll(std::span(elements.data(), n));
    star = star.subspan(n);
  }
}

void Meter::Apply(const Interval& elements) { ApplyAll(std::span(&elements, 1)); }

void Meter::ApplyAll(std::span<const Interval> elements) {
  if (elements.empty()) return;
  if (!registering()) {
    for (const Interval& e : elements) now_ += e.duration;
    last_ = Interval{};
    last_.duration = elements.back().duration;
    return;
  }
  while (!elements.empty()) {
    const std::size_t n = std::min(elements.size(), kRunLength);
    RegisterRun(elements.first(n));
    elements = elements.subspan(n);
  }
}

void Meter::RegisterRun(std::span<const Interval> run) {
  // Per interval: its lane energies go into the run's sums, and what it gives each pulse output
  // is noted so the latest pulse can be placed in time. Settling into whole µWh, registers and
  // pulse counts happens once per run.
  RunFeeds feeds;
  feeds.count = run.size();
  const CombinedCode code = config_.combined_code;
  const bool s0_netted = code == CombinedCode::kNetted || code == CombinedCode::kNettedPulses;
  const double threshold = creep_threshold_a_;
  for (std::size_t i = 0; i < run.size(); ++i) {
    const Interval& e = run[i];
    feeds.durations[i] = e.duration;
    now_ += e.duration;
    const double uj_per_watt = static_cast<double>(e.duration.count()) * 1e-3;
    double net_p = 0, net_q = 0, forward = 0, reverse = 0, led_q = 0;
    for (int k = 0; k < kPhaseCount; ++k) {
      const PhaseValues& ph = e.phase[k];
      // No-load: a phase below half the starting current registers nothing.
      const double gate = std::fabs(ph.current_a) >= threshold ? uj_per_watt : 0.0;
      const double p = ph.active_w * gate;
      const double q = ph.reactive_var * gate;
      const double p_forward = PositivePart(p);
      const double p_reverse = NegativePart(p);
      feeds.forward[EnergyLane(EnergyKind::kActive, k)] += p_forward;
      feeds.reverse[EnergyLane(EnergyKind::kActive, k)] += p_reverse;
      feeds.forward[EnergyLane(EnergyKind::kReactive, k)] += PositivePart(q);
      feeds.reverse[EnergyLane(EnergyKind::kReactive, k)] += NegativePart(q);
      net_p += p;
      net_q += q;
      forward += p_forward;
      reverse += p_reverse;
      led_q += std::fabs(q);
    }
    // The netted (vector-sum) flow of C-10/C-11, split by the sign of the sum.
    const double net_forward = PositivePart(net_p);
    const double net_reverse = NegativePart(net_p);
    feeds.forward[EnergyLane(EnergyKind::kActive, kPhaseCount)] += net_forward;
    feeds.reverse[EnergyLane(EnergyKind::kActive, kPhaseCount)] += net_reverse;
    feeds.forward[EnergyLane(EnergyKind::kReactive, kPhaseCount)] += PositivePart(net_q);
    feeds.reverse[EnergyLane(EnergyKind::kReactive, kPhaseCount)] += NegativePart(net_q);
    feeds.led_active[i] = forward + reverse;
    feeds.led_reactive[i] = led_q;
    feeds.s0_forward[i] = s0_netted ? net_forward : forward;
    feeds.s0_reverse[i] = s0_netted ? net_reverse : reverse;
  }
  LaneWholes forward;
  LaneWholes reverse;
  lanes_.Settle(feeds.forward, feeds.reverse, forward, reverse);
  Register(forward, reverse);
  DriveOutputs(feeds, forward, reverse);
  ShowInstantaneous(run.back());
}

void Meter::DriveOutputs(const RunFeeds& feeds, const LaneWholes& forward,
                         const LaneWholes& reverse) {
  const auto sum = [](const auto& lanes, EnergyKind kind, int from, int to) {
    std::decay_t<decltype(lanes[0])> total = 0;
    for (int k = from; k <= to; ++k) total += lanes[EnergyLane(kind, k)];
    return total;
  };
  const auto upto = [&feeds](const auto& a) { return std::span(a.data(), feeds.count); };
  constexpr int kLast = kPhaseCount - 1;
  // The LEDs flash for every phase's flow in either direction, as a test output must.
  for (EnergyKind kind : {EnergyKind::kActive, EnergyKind::kReactive}) {
    led_[static_cast<int>(kind)].AddRun(
        sum(forward, kind, 0, kLast) + sum(reverse, kind, 0, kLast),
        sum(feeds.forward, kind, 0, kLast) + sum(feeds.reverse, kind, 0, kLast),
        upto(kind == EnergyKind::kActive ? feeds.led_active : feeds.led_reactive),
        upto(feeds.durations), now_);
  }
  // Manual §6.10, "S0 output per code": C-01 drives only the forward output, C-04 only the
  // reverse one, C-10 and C-11 both with the netted flow, the others both per phase.
  const CombinedCode code = config_.combined_code;
  const bool netted = code == CombinedCode::kNetted || code == CombinedCode::kNettedPulses;
  const int first = netted ? kPhaseCount : 0;
  const int last = netted ? kPhaseCount : kLast;
  const EnergyKind active = EnergyKind::kActive;
  if (code != CombinedCode::kReverseOnly) {
    s0_forward_.AddRun(sum(forward, active, first, last), sum(feeds.forward, active, first, last),
                       upto(feeds.s0_forward), upto(feeds.durations), now_);
  }
  if (code != CombinedCode::kForwardOnly) {
    s0_reverse_.AddRun(sum(reverse, active, first, last), sum(feeds.reverse, active, first, last),
                       upto(feeds.s0_reverse), upto(feeds.durations), now_);
  }
}

void Meter::Register(const LaneWholes& forward, const LaneWholes& reverse) {
  const int tariff = static_cast<int>(config_.tariff);
  const bool netted = config_.combined_code == CombinedCode::kNetted;
  for (EnergyKind kind : {EnergyKind::kActive, EnergyKind::kReactive}) {
    EnergyRegisters& regs = registers_[static_cast<int>(kind)];
    int64_t phase_forward = 0;
    int64_t phase_reverse = 0;
    for (int k = 0; k < kPhaseCount; ++k) {
      const int lane = EnergyLane(kind, k);
      regs.phase[k][kFwd][tariff] += forward[lane];
      regs.phase[k][kRev][tariff] += reverse[lane];
      phase_forward += forward[lane];
      phase_reverse += reverse[lane];
    }
    const int net = EnergyLane(kind, kPhaseCount);
    const int64_t to_forward = netted ? forward[net] : phase_forward;
    regs.total[kFwd][tariff] += to_forward;
    regs.total[kRev][tariff] += netted ? reverse[net] : phase_reverse;
    if (kind == EnergyKind::kActive) day_counter_uwh_ += to_forward;
  }
}

void Meter::ShowInstantaneous(const Interval& latest) {
  last_ = latest;
  for (int k = 0; k < kPhaseCount; ++k) {
    PhaseValues& ph = last_.phase[k];
    diagnostics_.phase_present[k] = ph.voltage_v >= kPhasePresentVoltage;
    if (std::fabs(ph.current_a) < creep_threshold_a_) {
      ph.current_a = ph.active_w = ph.reactive_var = ph.apparent_va = 0;  // shows no flow
    }
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
  s0_forward_.SetRate(*rate);
  s0_reverse_.SetRate(*rate);
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
