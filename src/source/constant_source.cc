#include "source/constant_source.h"

#include <array>
#include <charconv>
#include <cmath>
#include <string>

#include "metering/input_limits.h"

namespace pro380::source {

ConstantSource::ConstantSource(const metering::Interval& record, Duration step) : record_(record) {
  record_.duration = step;
}

Result<std::size_t> ConstantSource::Read(std::span<metering::Interval> out) {
  for (auto& r : out) r = record_;
  return out.size();
}

namespace {

constexpr std::string_view kAllowedKeys =
    "P1, P2, P3 (W), Q1, Q2, Q3 (var), U1, U2, U3 (V), F (Hz)";

Result<double> ParseNumber(std::string_view key, std::string_view text) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return Status::InvalidArgument("const source: " + std::string(key) + "='" + std::string(text) +
                                   "' is not a number");
  }
  return value;
}

}  // namespace

Result<metering::Interval> ParseConstantSpec(std::string_view body) {
  std::array<double, 3> p{}, q{};
  std::array<double, 3> u{metering::kNominalVoltage, metering::kNominalVoltage,
                          metering::kNominalVoltage};
  double f = metering::kNominalFrequency;
  if (body.empty()) {
    return Status::InvalidArgument(
        "const source needs at least one value, e.g. const:P1=1000; keys: " +
        std::string(kAllowedKeys));
  }
  while (!body.empty()) {
    const std::size_t comma = body.find(',');
    const std::string_view item = body.substr(0, comma);
    body = comma == std::string_view::npos ? std::string_view() : body.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("const source: '" + std::string(item) +
                                     "' is not KEY=VALUE; keys: " + std::string(kAllowedKeys));
    }
    const std::string_view key = item.substr(0, eq);
    auto value = ParseNumber(key, item.substr(eq + 1));
    if (!value.ok()) return value.status();
    const char letter = key[0];
    const int index = key.size() == 2 ? key[1] - '1' : -1;
    const metering::InputRange* range = nullptr;
    double* slot = nullptr;
    if (key == "F") {
      range = &metering::kFrequencyRange;
      slot = &f;
    } else if ((letter == 'P' || letter == 'Q' || letter == 'U') && index >= 0 && index < 3) {
      range = letter == 'P'   ? &metering::kActivePowerRange
              : letter == 'Q' ? &metering::kReactivePowerRange
                              : &metering::kVoltageRange;
      slot = &(letter == 'P' ? p : letter == 'Q' ? q : u)[index];
    } else {
      return Status::InvalidArgument("const source: unknown key '" + std::string(key) +
                                     "'; allowed keys: " + std::string(kAllowedKeys));
    }
    if (!range->Contains(*value)) {
      return Status::InvalidArgument("const source: " + std::string(item) + " is outside " +
                                     metering::RangeText(*range));
    }
    *slot = *value;
  }
  metering::Interval record;
  record.frequency_hz = f;
  for (int k = 0; k < 3; ++k) {
    if (u[k] == 0 && (p[k] != 0 || q[k] != 0)) {
      return Status::InvalidArgument("const source: phase " + std::to_string(k + 1) +
                                     " has power but U" + std::to_string(k + 1) + "=0");
    }
    record.phase[k] = metering::PhaseFromPower(u[k], p[k], q[k]);
    // P, Q and U within their ranges can still give a current S/U or an S beyond the limits.
    const metering::PhaseValues& phase = record.phase[k];
    const std::string n = std::to_string(k + 1);
    if (!metering::kCurrentRange.Contains(phase.current_a)) {
      return Status::InvalidArgument("const source: phase " + n +
                                     ": current S/U = " + metering::ValueText(phase.current_a) +
                                     " A (from P" + n + ", Q" + n + ", U" + n + ") is outside " +
                                     metering::RangeText(metering::kCurrentRange));
    }
    if (!metering::kApparentPowerRange.Contains(phase.apparent_va)) {
      return Status::InvalidArgument(
          "const source: phase " + n +
          ": apparent power = " + metering::ValueText(phase.apparent_va) + " VA (from P" + n +
          ", Q" + n + ") is outside " + metering::RangeText(metering::kApparentPowerRange));
    }
  }
  return record;
}

metering::Interval ManualExampleRecord() {
  metering::Interval record;
  record.phase[0] = metering::PhaseFromPower(metering::kNominalVoltage, 5000, 0);
  record.phase[1] = metering::PhaseFromPower(metering::kNominalVoltage, 5000, 0);
  record.phase[2] = metering::PhaseFromPower(metering::kNominalVoltage, -12000, 0);
  return record;
}

}  // namespace pro380::source
