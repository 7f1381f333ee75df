// Constant per-phase load: the `const:` and `sim:manual-example` sources.
#ifndef PRO380_SOURCE_CONSTANT_SOURCE_H_
#define PRO380_SOURCE_CONSTANT_SOURCE_H_

#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "metering/interval.h"
#include "source/record_source.h"

namespace pro380::source {

// Yields the same record forever, one per `step`.
class ConstantSource : public RecordSource {
 public:
  ConstantSource(const metering::Interval& record, Duration step);
  Result<std::size_t> Read(std::span<metering::Interval> out) override;

 private:
  metering::Interval record_;
};

inline constexpr Duration kConstantStep = std::chrono::seconds(1);

// Parses the body of a `const:` spec: comma-separated KEY=VALUE with keys P1..P3 (W), Q1..Q3
// (var), U1..U3 (V), F (Hz). U defaults to 230 V, F to 50 Hz, P and Q to 0; current = S/U signed
// like P. Errors name the offending item and the allowed keys.
Result<metering::Interval> ParseConstantSpec(std::string_view body);

// The manual's example flow (§6.10): L1 +5 kW, L2 +5 kW, L3 −12 kW.
metering::Interval ManualExampleRecord();

}  // namespace pro380::source

#endif  // PRO380_SOURCE_CONSTANT_SOURCE_H_
