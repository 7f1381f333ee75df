// The meter options shared by `run` and `simulate` (product.md, "Command-line contract"), parsed
// and validated once at the edge into typed values.
#ifndef PRO380_APP_METER_OPTIONS_H_
#define PRO380_APP_METER_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "metering/meter.h"

namespace pro380::app {

enum class Variant { kMod, kMb, kS };

// The model as Inepro names it ("PRO380-Mod", "PRO380-Mb", "PRO380-S"): the optical port's
// identification after /INM5 and the model MQTT discovery announces.
std::string ModelName(Variant variant);

// Who the meter says it is on Modbus (0x4002 / 0x1010, reference §1.9). Interop: Victron's
// driver accepts only the Solar-Log OEM twin (meter code 0x2007, CT 0x2008).
enum class Identity { kInepro, kSolarLog };

struct MeterOptions {
  Variant variant = Variant::kMod;
  std::string serial = "00000001";
  int id = -1;  // -1 = the variant's default (Modbus 1, M-Bus 0)
  Identity identity = Identity::kInepro;
  metering::MeterConfig meter;
};

// The raw strings as typed; Validate() turns them into MeterOptions.
struct MeterArgs {
  std::string variant = "mod";
  std::optional<std::string> ct;
  std::string serial = "00000001";
  std::optional<int> id;
  std::string combined_code = "1";
  std::string s0_rate = "1000";
  std::string wiring = "3p4w";
  std::string tariff = "1";
  std::string identity = "inepro";
};

void AddMeterOptions(CLI::App& command, MeterArgs& args);

// The command-line names of the meter options, as AddMeterOptions adds them.
inline constexpr std::array<const char*, 9> kMeterOptionNames = {
    "--variant", "--ct",     "--serial", "--id",      "--combined-code",
    "--s0-rate", "--wiring", "--tariff", "--identity"};

// Returns the options or an InvalidArgument naming the option and its allowed values, worded for
// the command line: "--combined-code '7' is not allowed; allowed values: 1, 4, 5, 6, 9, 10, 11".
Result<MeterOptions> ValidateMeterArgs(const MeterArgs& args);

// Words the error for a refused meter option, so that another front end (the config file,
// app/run_config.h) names its own key while the checks and allowed values stay in one place.
// `option` is the command-line name without "--" ("combined-code"), `value` the refused text and
// `allowed` the allowed values ("1, 4, 5, 6, 9, 10, 11").
using MeterArgsRefusal = std::function<Status(std::string_view option, std::string_view value,
                                              std::string_view allowed)>;

// The same checks as above; a refused option is reported through `refusal`.
Result<MeterOptions> ValidateMeterArgs(const MeterArgs& args, const MeterArgsRefusal& refusal);

std::string_view VariantName(Variant variant);

}  // namespace pro380::app

#endif  // PRO380_APP_METER_OPTIONS_H_
