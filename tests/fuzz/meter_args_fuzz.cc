// Fuzz target: ValidateMeterArgs (app/meter_options.h), the meter options of `run` and
// `simulate`. The input is the option strings separated by newlines, in the order variant, ct,
// serial, id, combined code, S0 rate, wiring, tariff; an empty ct line, or an id line that is
// not an int, means "not given".
// Invariants: InvalidArgument naming the option, or options a meter can be built from: an
// 8-digit serial and an id in the variant's range.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/meter_options.h"
#include "fuzz_check.h"
#include "metering/meter.h"

using pro380::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::vector<std::string> fields;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (fields.size() < 8) {
    const std::size_t newline = rest.find('\n');
    fields.emplace_back(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  }
  pro380::app::MeterArgs args;
  args.variant = fields[0];
  if (!fields[1].empty()) args.ct = fields[1];
  args.serial = fields[2];
  int id = 0;
  const std::string& id_text = fields[3];
  if (std::from_chars(id_text.data(), id_text.data() + id_text.size(), id).ec == std::errc()) {
    args.id = id;  // CLI11 has already rejected what is not an int
  }
  args.combined_code = fields[4];
  args.s0_rate = fields[5];
  args.wiring = fields[6];
  args.tariff = fields[7];

  auto options = pro380::app::ValidateMeterArgs(args);
  if (!options.ok()) {
    Check(options.status().code() == pro380::Status::Code::kInvalidArgument,
          "errors are InvalidArgument");
    return 0;
  }
  Check(options->serial.size() == 8, "the serial has 8 digits");
  Check(options->id >= 0 && options->id <= 250, "the id is in range");
  pro380::metering::Meter meter(options->meter);
  return 0;
}
