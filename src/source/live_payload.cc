#include "source/live_payload.h"

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

namespace pro380::source {
namespace {

using Json = nlohmann::json;

// Where a mapped field goes in a LiveReading and the factor to its SI unit.
enum class Slot : uint8_t { kVoltage, kCurrent, kActive, kReactive, kFrequency };

struct FieldMap {
  std::string_view key;
  Slot slot;
  int phase;  // 0..2; -1 for the frequency
  double to_si;
};

// Ours: the canonical quantity names (product.md) of the values a live source takes.
constexpr std::array<FieldMap, 13> kCanonicalFields = {{
    {"voltage_l1_v", Slot::kVoltage, 0, 1},
    {"voltage_l2_v", Slot::kVoltage, 1, 1},
    {"voltage_l3_v", Slot::kVoltage, 2, 1},
    {"current_l1_a", Slot::kCurrent, 0, 1},
    {"current_l2_a", Slot::kCurrent, 1, 1},
    {"current_l3_a", Slot::kCurrent, 2, 1},
    {"active_power_l1_kw", Slot::kActive, 0, 1000},
    {"active_power_l2_kw", Slot::kActive, 1, 1000},
    {"active_power_l3_kw", Slot::kActive, 2, 1000},
    {"reactive_power_l1_kvar", Slot::kReactive, 0, 1000},
    {"reactive_power_l2_kvar", Slot::kReactive, 1, 1000},
    {"reactive_power_l3_kvar", Slot::kReactive, 2, 1000},
    {"frequency_hz", Slot::kFrequency, -1, 1},
}};

void Store(LiveReading& reading, const FieldMap& field, double value) {
  const double si = value * field.to_si;
  if (field.slot == Slot::kFrequency) {
    reading.frequency_hz = si;
    return;
  }
  LiveReading::Phase& phase = reading.phase[field.phase];
  switch (field.slot) {
    case Slot::kVoltage:
      phase.voltage_v = si;
      break;
    case Slot::kCurrent:
      phase.current_a = si;
      break;
    case Slot::kActive:
      phase.active_w = si;
      break;
    case Slot::kReactive:
      phase.reactive_var = si;
      break;
    case Slot::kFrequency:
      break;
  }
}

ParsedPayload Refuse(PayloadProblem problem, std::string message) {
  return {std::nullopt, PayloadError{problem, std::move(message)}};
}

ParsedPayload ParseCanonical(const Json& object) {
  LiveReading reading;
  for (const auto& [key, value] : object.items()) {
    const FieldMap* field = nullptr;
    for (const FieldMap& f : kCanonicalFields) {
      if (f.key == key) field = &f;
    }
    if (!field) {
      return Refuse(PayloadProblem::kUnknownKey,
                    "unknown key '" + key +
                        "' (keys: voltage_lN_v, current_lN_a, active_power_lN_kw, "
                        "reactive_power_lN_kvar with N 1-3, frequency_hz)");
    }
    if (!value.is_number()) {
      return Refuse(PayloadProblem::kMalformed, "'" + key + "' is not a number");
    }
    Store(reading, *field, value.get<double>());
  }
  if (reading.empty()) return Refuse(PayloadProblem::kNoValue, "the payload states no value");
  return {reading, std::nullopt};
}

}  // namespace

std::string_view PayloadFormatName(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kCanonical:
      return "canonical";
  }
  return "canonical";
}

std::optional<PayloadFormat> PayloadFormatFromName(std::string_view name) {
  for (PayloadFormat f : {PayloadFormat::kCanonical}) {
    if (PayloadFormatName(f) == name) return f;
  }
  return std::nullopt;
}

std::string PayloadFormatNames() { return "canonical"; }

std::string_view PayloadProblemName(PayloadProblem problem) {
  switch (problem) {
    case PayloadProblem::kMalformed:
      return "malformed";
    case PayloadProblem::kUnknownKey:
      return "unknown_key";
    case PayloadProblem::kOutOfRange:
      return "out_of_range";
    case PayloadProblem::kNoValue:
      return "no_value";
  }
  return "malformed";
}

ParsedPayload ParseLivePayload(std::string_view text, PayloadFormat format) {
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Refuse(PayloadProblem::kMalformed, "not JSON");
  if (!json.is_object()) return Refuse(PayloadProblem::kMalformed, "not a JSON object");
  switch (format) {
    case PayloadFormat::kCanonical:
      return ParseCanonical(json);
  }
  return ParseCanonical(json);
}

Result<std::vector<ScheduledReading>> ParseSchedulePayload(std::string_view text) {
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("steps") ||
      !json["steps"].is_array() || json.size() != 1) {
    return Status::InvalidArgument(
        R"(the body must be {"steps": [{"after_s": SECONDS, "values": {...}}, ...]})");
  }
  std::vector<ScheduledReading> steps;
  const Json& list = json["steps"];
  for (size_t k = 0; k < list.size(); ++k) {
    const Json& step = list[k];
    const std::string name = "step " + std::to_string(k);
    if (!step.is_object() || step.size() != 2 || !step.contains("after_s") ||
        !step["after_s"].is_number() || !step.contains("values") || !step["values"].is_object()) {
      return Status::InvalidArgument(name + R"(: must be {"after_s": SECONDS, "values": {...}})");
    }
    const double after = step["after_s"].get<double>();
    if (!(after >= 0 && after <= 1e9)) {
      return Status::InvalidArgument(name + ": after_s must be 0 to 1000000000");
    }
    ParsedPayload values = ParseCanonical(step["values"]);
    if (!values.reading) return Status::InvalidArgument(name + ": " + values.error->message);
    steps.push_back({FromSeconds(after), *values.reading});
  }
  return steps;
}

}  // namespace pro380::source
