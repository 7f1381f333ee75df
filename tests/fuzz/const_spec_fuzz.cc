// Fuzz target: ParseConstantSpec (source/constant_source.h), the body of a `const:` source.
// Invariants: it never crashes; it fails with InvalidArgument, or gives a record within the
// input limits (metering/input_limits.h: finite, U, I, P, Q, S and F in their ranges), with no
// power without voltage, current signed like P and apparent power no smaller than |P|.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "metering/input_limits.h"
#include "source/constant_source.h"

using pro380::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto record = pro380::source::ParseConstantSpec(body);
  if (!record.ok()) {
    Check(record.status().code() == pro380::Status::Code::kInvalidArgument,
          "errors are InvalidArgument");
    return 0;
  }
  Check(pro380::fuzz::IsFiniteInterval(*record), "values are finite");
  Check(pro380::metering::RecordWithinLimits(*record), "the record is within the input limits");
  for (const auto& phase : record->phase) {
    Check(phase.voltage_v > 0 || (phase.active_w == 0 && phase.reactive_var == 0),
          "no power without voltage");
    Check(phase.active_w >= 0 || phase.current_a <= 0, "current is signed like P");
    Check(phase.apparent_va >= std::fabs(phase.active_w) * (1 - 1e-12), "S is at least |P|");
  }
  return 0;
}
