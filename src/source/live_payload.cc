#include "source/live_payload.h"

#include <array>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <span>

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

// --- Publishers' formats (docs/sources.md, "Payload formats"). They carry fields that are no
// meter quantity (times, energies, ids): those are ignored; a mapped field that is not a number
// (or a string holding one) refuses the payload.

// A publisher's number: a JSON number or a string that is one ("231.5"); nullopt when absent.
// Sets `bad` when present but not a number.
std::optional<double> PublisherNumber(const Json& object, const std::string& key,
                                      std::string& bad) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size()) return value;
  }
  if (bad.empty()) bad = "'" + key + "' is not a number";
  return std::nullopt;
}

// A mapped field: key, where it goes, the factor to SI.
struct PublisherField {
  const char* key;
  Slot slot;
  int phase;
  double to_si;
};

// Takes every `fields` entry present in `object` into `reading`; false (and `bad` set) when a
// mapped field is not a number.
bool TakeFields(const Json& object, std::span<const PublisherField> fields, LiveReading& reading,
                std::string& bad) {
  for (const PublisherField& f : fields) {
    if (auto value = PublisherNumber(object, f.key, bad)) {
      Store(reading, {f.key, f.slot, f.phase, f.to_si}, *value);
    }
    if (!bad.empty()) return false;
  }
  return true;
}

ParsedPayload Finish(const LiveReading& reading, const std::string& bad, std::string_view what) {
  if (!bad.empty()) return Refuse(PayloadProblem::kMalformed, bad);
  if (reading.empty()) {
    return Refuse(PayloadProblem::kNoValue, "the payload has no " + std::string(what));
  }
  return {reading, std::nullopt};
}

// A phase-less total (Tasmota's Power_curr, dsmr-reader's electricity_currently_delivered) goes
// on L1 when the payload has no phase powers: a wallbox limits by its highest phase current, so
// the whole load on one phase errs on the safe side (docs/sources.md).
void TotalOnL1(LiveReading& reading, std::optional<double> total_w) {
  const bool any_phase_power =
      reading.phase[0].active_w || reading.phase[1].active_w || reading.phase[2].active_w;
  if (total_w && !any_phase_power) reading.phase[0].active_w = *total_w;
}

// Tasmota ENERGY: Voltage, Current, Power, ReactivePower, Frequency, each a number (one phase)
// or an array (one per phase).
bool TakeTasmotaEnergy(const Json& energy, LiveReading& reading, std::string& bad) {
  const struct {
    const char* key;
    Slot slot;
  } fields[] = {{"Voltage", Slot::kVoltage},
                {"Current", Slot::kCurrent},
                {"Power", Slot::kActive},
                {"ReactivePower", Slot::kReactive},
                {"Frequency", Slot::kFrequency}};
  for (const auto& f : fields) {
    const auto it = energy.find(f.key);
    if (it == energy.end() || it->is_null()) continue;
    const Json values = it->is_array() ? *it : Json::array({*it});
    if (values.empty() || values.size() > 3) {
      bad = "ENERGY." + std::string(f.key) + " has " + std::to_string(values.size()) +
            " values (1 to 3)";
      return false;
    }
    for (size_t k = 0; k < values.size(); ++k) {
      if (!values[k].is_number()) {
        bad = "ENERGY." + std::string(f.key) + " is not a number";
        return false;
      }
      const double v = values[k].get<double>();
      if (f.slot == Slot::kFrequency) {
        if (k == 0) reading.frequency_hz = v;  // one frequency: the first phase's
        continue;
      }
      Store(reading, {f.key, f.slot, static_cast<int>(k), 1}, v);
    }
  }
  return true;
}

ParsedPayload ParseTasmota(const Json& json) {
  LiveReading reading;
  std::string bad;
  if (const auto energy = json.find("ENERGY"); energy != json.end()) {
    if (!energy->is_object()) return Refuse(PayloadProblem::kMalformed, "ENERGY is not an object");
    if (!TakeTasmotaEnergy(*energy, reading, bad)) return Finish(reading, bad, "");
  }
  if (const auto sml = json.find("SML"); sml != json.end()) {
    if (!sml->is_object()) return Refuse(PayloadProblem::kMalformed, "SML is not an object");
    static constexpr PublisherField kSml[] = {
        {"voltage_l1", Slot::kVoltage, 0, 1}, {"voltage_l2", Slot::kVoltage, 1, 1},
        {"voltage_l3", Slot::kVoltage, 2, 1}, {"current_l1", Slot::kCurrent, 0, 1},
        {"current_l2", Slot::kCurrent, 1, 1}, {"current_l3", Slot::kCurrent, 2, 1},
        {"power_l1", Slot::kActive, 0, 1},    {"power_l2", Slot::kActive, 1, 1},
        {"power_l3", Slot::kActive, 2, 1},
    };
    if (!TakeFields(*sml, kSml, reading, bad)) return Finish(reading, bad, "");
    const std::optional<double> total = PublisherNumber(*sml, "Power_curr", bad);
    TotalOnL1(reading, total);
  }
  return Finish(reading, bad, "ENERGY or SML values");
}

ParsedPayload ParseShelly(const Json& json) {
  // status/em:0 carries the status itself; events/rpc a NotifyStatus with params."em:0".
  const Json* status = &json;
  if (const auto params = json.find("params"); params != json.end() && params->is_object()) {
    const auto em = params->find("em:0");
    if (em == params->end() || !em->is_object()) {
      return Refuse(PayloadProblem::kNoValue, "the payload has no em:0 status");
    }
    status = &*em;
  }
  static constexpr PublisherField kEm[] = {
      {"a_voltage", Slot::kVoltage, 0, 1},  {"b_voltage", Slot::kVoltage, 1, 1},
      {"c_voltage", Slot::kVoltage, 2, 1},  {"a_current", Slot::kCurrent, 0, 1},
      {"b_current", Slot::kCurrent, 1, 1},  {"c_current", Slot::kCurrent, 2, 1},
      {"a_act_power", Slot::kActive, 0, 1}, {"b_act_power", Slot::kActive, 1, 1},
      {"c_act_power", Slot::kActive, 2, 1}, {"a_freq", Slot::kFrequency, -1, 1},
  };
  LiveReading reading;
  std::string bad;
  TakeFields(*status, kEm, reading, bad);
  return Finish(reading, bad, "a_/b_/c_ voltage, current or act_power");
}

ParsedPayload ParseDsmr(const Json& json) {
  static constexpr PublisherField kPhases[] = {
      {"phase_voltage_l1", Slot::kVoltage, 0, 1},
      {"phase_voltage_l2", Slot::kVoltage, 1, 1},
      {"phase_voltage_l3", Slot::kVoltage, 2, 1},
      {"phase_power_current_l1", Slot::kCurrent, 0, 1},
      {"phase_power_current_l2", Slot::kCurrent, 1, 1},
      {"phase_power_current_l3", Slot::kCurrent, 2, 1},
  };
  LiveReading reading;
  std::string bad;
  if (!TakeFields(json, kPhases, reading, bad)) return Finish(reading, bad, "");
  // Delivered and returned are both non-negative kW; the phase's power is their difference.
  for (int k = 0; k < 3; ++k) {
    const std::string n = std::to_string(k + 1);
    const auto delivered = PublisherNumber(json, "phase_currently_delivered_l" + n, bad);
    const auto returned = PublisherNumber(json, "phase_currently_returned_l" + n, bad);
    if (!bad.empty()) return Finish(reading, bad, "");
    if (delivered || returned) {
      reading.phase[k].active_w = (delivered.value_or(0) - returned.value_or(0)) * 1000;
    }
  }
  const auto delivered = PublisherNumber(json, "electricity_currently_delivered", bad);
  const auto returned = PublisherNumber(json, "electricity_currently_returned", bad);
  if (delivered || returned) {
    TotalOnL1(reading, (delivered.value_or(0) - returned.value_or(0)) * 1000);
  }
  return Finish(reading, bad,
                "phase_voltage_lN, phase_power_current_lN or currently delivered/returned values");
}

}  // namespace

constexpr std::array<PayloadFormat, 4> kFormats = {PayloadFormat::kCanonical,
                                                   PayloadFormat::kTasmota, PayloadFormat::kShelly,
                                                   PayloadFormat::kDsmr};

std::string_view PayloadFormatName(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kCanonical:
      return "canonical";
    case PayloadFormat::kTasmota:
      return "tasmota";
    case PayloadFormat::kShelly:
      return "shelly";
    case PayloadFormat::kDsmr:
      return "dsmr";
  }
  return "canonical";
}

std::optional<PayloadFormat> PayloadFormatFromName(std::string_view name) {
  for (PayloadFormat f : kFormats) {
    if (PayloadFormatName(f) == name) return f;
  }
  return std::nullopt;
}

std::string PayloadFormatNames() {
  std::string names;
  for (PayloadFormat f : kFormats) {
    if (!names.empty()) names += ", ";
    names += PayloadFormatName(f);
  }
  return names;
}

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
    case PayloadFormat::kTasmota:
      return ParseTasmota(json);
    case PayloadFormat::kShelly:
      return ParseShelly(json);
    case PayloadFormat::kDsmr:
      return ParseDsmr(json);
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
