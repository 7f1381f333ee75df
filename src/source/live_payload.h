// Live payloads: the JSON a feed sends (an MQTT message, a REST body) turned into a LiveReading.
// Formats and their field names are in docs/sources.md, "Payload formats".
//
// Thread safety: pure functions.
#ifndef PRO380_SOURCE_LIVE_PAYLOAD_H_
#define PRO380_SOURCE_LIVE_PAYLOAD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "source/live_source.h"

namespace pro380::source {

enum class PayloadFormat : uint8_t {
  kCanonical,  // ours: {"voltage_l1_v": 230.1, "active_power_l1_kw": 1.2, ...}
  kTasmota,    // Tasmota tele/.../SENSOR: {"ENERGY": {"Voltage": [..], ...}} or {"SML": {...}}
  kShelly,     // Shelly Pro 3EM EM status (status/em:0, or NotifyStatus params "em:0")
  kDsmr,       // dsmr-reader's JSON telegram: phase_voltage_l1, phase_currently_delivered_l1, ...
};

// "canonical", "tasmota", "shelly", "dsmr": the format's name in specs and messages.
std::string_view PayloadFormatName(PayloadFormat format);
std::optional<PayloadFormat> PayloadFormatFromName(std::string_view name);
// "canonical, tasmota, shelly, dsmr": the allowed names, for messages.
std::string PayloadFormatNames();

// Why a payload was refused: each has its own counter (docs/sources.md).
enum class PayloadProblem : uint8_t {
  kMalformed,   // not JSON, not an object, a value not a number
  kUnknownKey,  // a key the format does not know (canonical: refused whole, catches typos)
  kOutOfRange,  // a value outside the input limits (found by LiveSource::Update)
  kNoValue,     // nothing the format maps
};
inline constexpr int kPayloadProblemCount = 4;
// "malformed", "unknown_key", "out_of_range", "no_value": counter names in REST and /metrics.
std::string_view PayloadProblemName(PayloadProblem problem);

struct PayloadError {
  PayloadProblem problem;
  std::string message;  // names the key or the place, e.g. "unknown key 'active_power_l1_w'"
};

// The reading `text` states in `format`, or why it is refused.
struct ParsedPayload {
  std::optional<LiveReading> reading;
  std::optional<PayloadError> error;
};
ParsedPayload ParseLivePayload(std::string_view text, PayloadFormat format);

// A schedule (docs/sources.md, "The http source"): {"steps": [{"after_s": 0, "values": {…}}, …]}
// with `values` in the canonical format. Errors name the step (0-based) and what is wrong.
Result<std::vector<ScheduledReading>> ParseSchedulePayload(std::string_view text);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_LIVE_PAYLOAD_H_
