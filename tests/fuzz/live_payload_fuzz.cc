// Fuzz target: ParseLivePayload (source/live_payload.h) in every format, then LiveSource::Update
// (source/live_source.h): what an MQTT publisher or a REST client can send. The first byte picks
// the format. Invariants: nothing crashes; a payload is either a reading or an error of a known
// kind; a refused reading changes nothing; an accepted one gives a record within the input
// limits, finite, with current signed like P and S no smaller than |P|.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "metering/input_limits.h"
#include "source/live_payload.h"
#include "source/live_source.h"

using pro380::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using pro380::source::PayloadFormat;
  constexpr PayloadFormat kFormats[] = {PayloadFormat::kCanonical, PayloadFormat::kTasmota,
                                        PayloadFormat::kShelly, PayloadFormat::kDsmr};
  const PayloadFormat format = kFormats[data[0] % 4];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const pro380::source::ParsedPayload parsed = pro380::source::ParseLivePayload(text, format);
  Check(parsed.reading.has_value() != parsed.error.has_value(), "a reading or an error");
  if (!parsed.reading) return 0;

  const pro380::TimePoint start{};
  pro380::source::LiveSource source(start, {});
  const pro380::metering::Interval before = source.RecordAt(start);
  const pro380::Status st = source.Update(*parsed.reading, start);
  const pro380::metering::Interval after = source.RecordAt(start);
  if (!st.ok()) {
    Check(st.code() == pro380::Status::Code::kInvalidArgument, "refusals are InvalidArgument");
    for (int k = 0; k < 3; ++k) {
      Check(after.phase[k].active_w == before.phase[k].active_w &&
                after.phase[k].voltage_v == before.phase[k].voltage_v,
            "a refused reading changes nothing");
    }
    return 0;
  }
  Check(pro380::fuzz::IsFiniteInterval(after), "values are finite");
  Check(pro380::metering::RecordWithinLimits(after), "the record is within the input limits");
  for (const auto& phase : after.phase) {
    Check(phase.active_w >= 0 || phase.current_a <= 0, "current is signed like P");
    Check(phase.apparent_va >= std::fabs(phase.active_w) * (1 - 1e-12), "S is at least |P|");
  }
  return 0;
}
