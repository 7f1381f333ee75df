// Fuzz target: ParseRunConfig (app/run_config.h), the TOML config file of `pro380 run`, toml++'s
// parser included (it is compiled header-only into the app layer, so it is instrumented too).
// Invariants: never throws or crashes; an error is InvalidArgument whose message starts with the
// file name and is one line; an OK result has at least one meter, every meter's args pass
// ValidateMeterArgs, serials are unique, presets are within the documented ranges, and the speed
// is in (0, 1e6].
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "app/meter_options.h"
#include "app/run_config.h"
#include "fuzz_check.h"

using pro380::fuzz::Check;

namespace {

// toml++ 3.3.0 (Debian's libtomlplusplus-dev) reaches TOML_UNREACHABLE, i.e. undefined behaviour,
// in is_non_ascii_horizontal_whitespace() for most code points in U+00A1..U+FEFE, e.g. U+02CB:
// its switch has no case for the blocks 0, 11 and 63 that its bit mask lets through. The parser
// asks that question outside strings and after a line-ending backslash in multi-line strings.
// Upstream: marzer/tomlplusplus issues #190 and #295, fixed by pull request #305 (the default
// case returns false). Inputs holding such a code point are skipped so that the target keeps
// finding other problems; drop this filter once the packaged toml++ has the fix.
bool HitsTomlWhitespaceBug(std::string_view text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    char32_t c = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      c = ((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu);
    } else if (b0 >= 0xE0 && b0 <= 0xEF && i + 2 < text.size()) {
      c = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) |
          (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
    } else {
      continue;
    }
    if (c < 0xA0 || c > 0xFEFF || c == 0xA0 || c == 0x3000 || c == 0xFEFF) continue;
    const uint64_t block = (static_cast<uint64_t>(c) - 0xA0) / 0x3FA;
    if (((uint64_t{1} << block) & 0x7FFFFFFFFFFFF75Eull) == 0 && block != 5 && block != 7) {
      return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (HitsTomlWhitespaceBug(text)) return 0;
  auto config = pro380::app::ParseRunConfig(text, "fuzz.toml");
  if (!config.ok()) {
    Check(config.status().code() == pro380::Status::Code::kInvalidArgument,
          "errors are InvalidArgument");
    const std::string message = config.status().message();
    Check(message.rfind("fuzz.toml", 0) == 0, "the message names the file first");
    Check(message.find('\n') == std::string::npos, "the message is one line");
    return 0;
  }
  Check(!config->meters.empty(), "an OK config has a meter");
  if (config->speed) Check(*config->speed > 0 && *config->speed <= 1e6, "speed in range");
  std::set<std::string> serials;
  for (const pro380::app::MeterEntry& meter : config->meters) {
    auto options = pro380::app::ValidateMeterArgs(meter.args);
    Check(options.ok(), "every meter's args pass ValidateMeterArgs");
    Check(serials.insert(options->serial).second, "serials are unique");
    if (!meter.preset) continue;
    for (const auto& [quantity, value] : meter.preset->energies) {
      Check(std::isfinite(value) && value >= 0 && value <= pro380::app::kMaxPresetEnergy,
            "preset energies in range");
    }
    if (meter.preset->power_down_count) {
      Check(*meter.preset->power_down_count >= 0 &&
                *meter.preset->power_down_count <= pro380::app::kMaxPresetPowerDownCount,
            "preset power-down count in range");
    }
  }
  return 0;
}
