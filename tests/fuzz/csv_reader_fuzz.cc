// Fuzz target: the CSV record reader (source/csv_source.h) on arbitrary text, read in batches
// of varying size. Invariants: every record has a positive duration, values within the input
// limits (metering/input_limits.h), a current signed like its active power, and the records
// cover at most metering::kMaxRunDuration; a failure is InvalidArgument naming the file and
// line, and stays failed.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "metering/input_limits.h"
#include "source/csv_source.h"

namespace {

using pro380::Status;
using pro380::fuzz::Check;

void CheckRecord(const pro380::metering::Interval& record) {
  Check(record.duration.count() > 0, "a record's duration is positive");
  Check(pro380::fuzz::IsFiniteInterval(record), "a record's values are finite");
  Check(pro380::metering::RecordWithinLimits(record), "a record is within the input limits");
  for (const auto& phase : record.phase) {
    Check(phase.apparent_va >= 0, "apparent power is not negative");
    Check(phase.active_w >= 0 || phase.current_a <= 0, "current is signed like P");
  }
}

void CheckError(const Status& status) {
  Check(status.code() == Status::Code::kInvalidArgument, "errors are InvalidArgument");
  Check(status.message().starts_with("fuzz.csv:"), "errors name the file and line");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  // The first byte picks the batch size, so batch boundaries (the look-ahead) are explored too.
  if (size == 0) return 0;
  const std::size_t batch = 1 + data[0] % 8;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto reader = pro380::source::CsvReader::Create(text, "fuzz.csv");
  if (!reader.ok()) {
    CheckError(reader.status());
    return 0;
  }
  std::array<pro380::metering::Interval, 8> out;
  pro380::Duration covered{};
  while (true) {
    auto n = (*reader)->Read(std::span(out).first(batch));
    if (!n.ok()) {
      CheckError(n.status());
      auto again = (*reader)->Read(std::span(out).first(batch));
      Check(!again.ok() && again.status().message() == n.status().message(), "errors are sticky");
      return 0;
    }
    Check(*n <= batch, "Read returns at most the records asked for");
    if (*n == 0) return 0;
    std::for_each(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(*n), CheckRecord);
    for (std::size_t i = 0; i < *n; ++i) covered += out[i].duration;
    Check(covered <= pro380::metering::kMaxRunDuration, "a file covers at most 100 years");
  }
}
