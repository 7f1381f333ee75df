#include "app/meter_options.h"

#include <charconv>

#include "metering/ct_ratio.h"
#include "metering/s0_rate.h"

namespace pro380::app {
namespace {

Status InvalidCommandLineOption(std::string_view option, std::string_view value,
                                std::string_view allowed) {
  return Status::InvalidArgument("--" + std::string(option) + " '" + std::string(value) +
                                 "' is not allowed; allowed values: " + std::string(allowed));
}

std::optional<int> ToInt(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string_view VariantName(Variant variant) {
  switch (variant) {
    case Variant::kMod:
      return "mod";
    case Variant::kMb:
      return "mb";
    case Variant::kS:
      return "s";
  }
  return "mod";
}

std::string ModelName(Variant variant) {
  switch (variant) {
    case Variant::kMod:
      return "PRO380-Mod";
    case Variant::kMb:
      return "PRO380-Mb";
    case Variant::kS:
      return "PRO380-S";
  }
  return "PRO380";
}

void AddMeterOptions(CLI::App& command, MeterArgs& args) {
  command.add_option("--variant", args.variant, "mod | mb | s (default mod)");
  command.add_option("--ct", args.ct,
                     "CT variant with this ratio (primary A of x/5); omit for direct");
  command.add_option("--serial", args.serial, "8-digit serial number (default 00000001)");
  command.add_option("--id", args.id, "Modbus ID (1..247) or M-Bus primary address (0..250)");
  command.add_option("--combined-code", args.combined_code,
                     "1 | 4 | 5 | 6 | 9 | 10 | 11 (default 1)");
  command.add_option("--s0-rate", args.s0_rate, "S0 imp/kWh: 10000 2000 1000 100 10 1 0.1 0.01");
  command.add_option("--wiring", args.wiring, "3p4w | 3p3w (default 3p4w)");
  command.add_option("--tariff", args.tariff, "1 | 2 (default 1)");
  command.add_option("--identity", args.identity,
                     "inepro | solar-log: the meter code on Modbus (default inepro; solar-log "
                     "is the OEM twin Victron's driver requires)");
}

Result<MeterOptions> ValidateMeterArgs(const MeterArgs& args) {
  return ValidateMeterArgs(args, InvalidCommandLineOption);
}

Result<MeterOptions> ValidateMeterArgs(const MeterArgs& args, const MeterArgsRefusal& refusal) {
  MeterOptions out;
  if (args.variant == "mod") {
    out.variant = Variant::kMod;
  } else if (args.variant == "mb") {
    out.variant = Variant::kMb;
  } else if (args.variant == "s") {
    out.variant = Variant::kS;
  } else {
    return refusal("variant", args.variant, "mod, mb, s");
  }

  if (args.ct) {
    const auto ratio = ToInt(*args.ct);
    if (!ratio || !metering::IsValidCtRatio(*ratio)) {
      return refusal("ct", *args.ct, metering::CtRatioList());
    }
    out.meter.ct_variant = true;
    out.meter.ct_ratio = *ratio;
    out.meter.ct_locked = true;  // a ratio given at start is a commissioned meter
  }

  if (args.serial.size() != 8 || args.serial.find_first_not_of("0123456789") != std::string::npos) {
    return refusal("serial", args.serial, "exactly 8 decimal digits, e.g. 22091039");
  }
  out.serial = args.serial;

  if (args.id) {
    const bool mbus = out.variant == Variant::kMb;
    const int max = mbus ? 250 : 247;
    const int min = mbus ? 0 : 1;
    if (*args.id < min || *args.id > max) {
      return refusal("id", std::to_string(*args.id),
                     mbus ? "0..250 (M-Bus primary address)" : "1..247 (Modbus ID)");
    }
    out.id = *args.id;
  } else {
    out.id = out.variant == Variant::kMb ? 0 : 1;
  }

  const auto code_number = ToInt(args.combined_code);
  const auto code = code_number ? metering::CombinedCodeFromNumber(*code_number) : std::nullopt;
  if (!code) return refusal("combined-code", args.combined_code, "1, 4, 5, 6, 9, 10, 11");
  out.meter.combined_code = *code;

  double rate_value = 0;
  const auto [end, ec] =
      std::from_chars(args.s0_rate.data(), args.s0_rate.data() + args.s0_rate.size(), rate_value);
  const auto rate = ec == std::errc() && end == args.s0_rate.data() + args.s0_rate.size()
                        ? metering::S0RateFromImpulses(rate_value)
                        : std::nullopt;
  if (!rate) return refusal("s0-rate", args.s0_rate, metering::S0RateList());
  out.meter.s0_rate = *rate;

  const auto wiring = metering::WiringFromName(args.wiring);
  if (!wiring) return refusal("wiring", args.wiring, "3p4w, 3p3w");
  out.meter.wiring = *wiring;

  if (args.tariff == "1") {
    out.meter.tariff = metering::Tariff::kT1;
  } else if (args.tariff == "2") {
    out.meter.tariff = metering::Tariff::kT2;
  } else {
    return refusal("tariff", args.tariff, "1, 2");
  }
  if (args.identity == "inepro") {
    out.identity = Identity::kInepro;
  } else if (args.identity == "solar-log") {
    out.identity = Identity::kSolarLog;
  } else {
    return refusal("identity", args.identity, "inepro, solar-log");
  }
  return out;
}

}  // namespace pro380::app
