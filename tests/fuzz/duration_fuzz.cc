// Fuzz target: ParseDuration (app/duration_arg.h), the --duration option. Invariants: it never
// crashes; it fails with InvalidArgument, or gives a duration above 0 and at most 100 years.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/duration_arg.h"
#include "fuzz_check.h"

using pro380::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto duration = pro380::app::ParseDuration(text);
  if (!duration.ok()) {
    Check(duration.status().code() == pro380::Status::Code::kInvalidArgument,
          "errors are InvalidArgument");
    return 0;
  }
  constexpr auto kHundredYears = std::chrono::seconds(int64_t{100} * 365 * 86400);
  Check(duration->count() > 0, "a duration is above 0");
  Check(*duration <= kHundredYears, "a duration is at most 100 years");
  return 0;
}
