#include "app/run_config.h"

// Known defect of toml++ 3.3.0: is_non_ascii_horizontal_whitespace() reaches TOML_UNREACHABLE for
// most code points in U+00A1..U+FEFE met outside a string or after a line-ending backslash
// (upstream issues #190, #295; fixed by pull request #305). A sanitizer build stops there; the
// GCC release build was checked to answer "not whitespace", the correct answer
// (tests/fuzz/config_fuzz.cc skips such inputs).
//
// Second defect: parse_key() begins with TOML_ASSERT_ASSUME(the next character starts a key),
// which malformed input breaks (e.g. a table header "[="). The code after it reports that case
// as a syntax error, but the macro is an assert() in debug builds (the sanitizer and fuzz builds
// abort) and __builtin_assume under clang -DNDEBUG (undefined behaviour). Taking toml++'s
// preprocessor header first and redefining the macro as "no check, no assumption" (what GCC's
// release build already compiles it to) lets the parser's own error path answer.
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>

#include "app/duration_arg.h"
#include "app/fleet_config.h"
#include "app/meter_option_keys.h"
#include "app/preset_keys.h"

namespace pro380::app {
namespace {

// The meter options a [[meter]] table may set: kMeterOptionKeys (app/meter_option_keys.h). That
// table drives the known keys, MeterEntry::given and the wording of ValidateMeterArgs' errors.
constexpr std::string_view kRootKeys = "run, interfaces, meter, fleet, mqtt, mqtt_publish";
constexpr std::string_view kInterfaceKeys =
    "modbus_tcp, modbus_rtu, rtu_over_tcp, mbus, mbus_tcp, iec, iec_tcp, http, http_token, "
    "response_delay, "
    "tcp_any_unit_id";
constexpr std::string_view kRunKeys =
    "source, speed, seed, state, save_interval, stop_after, sealed";
constexpr std::string_view kMeterKeys =
    "variant, serial, id, ct, combined_code, s0_rate, wiring, tariff, identity, sealed, "
    "preset";
constexpr std::size_t kMaxConfigBytes = 1 << 20;  // a config file is a few kB
constexpr std::size_t kMaxShownChars = 48;        // longer strings are cut short in messages

// `text` as a double-quoted TOML string, control and non-ASCII bytes escaped, cut short if long.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == kMaxShownChars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A key as written in a path: bare when TOML allows it bare, else quoted.
std::string KeyText(std::string_view key) {
  const bool bare =
      !key.empty() && key.size() <= kMaxShownChars &&
      key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
          std::string_view::npos;
  return bare ? std::string(key) : Quoted(key);
}

std::string NumberText(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// A scalar node as the user wrote it, for "KEY = VALUE is not allowed".
std::string ValueText(const toml::node& node) {
  if (const auto* s = node.as_string()) return Quoted(s->get());
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return NumberText(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return node.is_table() ? "a table" : node.is_array() ? "an array" : "a date or time";
}

// toml++'s description with control bytes escaped, so a message stays on one line.
std::string Printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

// Messages are "FILE:LINE: TEXT", one line: control characters of quoted values are escaped.
// The line is left out where toml++ knows none.
class Reporter {
 public:
  explicit Reporter(std::string_view file) : file_(file) {}

  Status At(const toml::source_region& where, const std::string& text) const {
    std::string prefix(file_);
    if (where.begin.line > 0) prefix += ":" + std::to_string(where.begin.line);
    return Status::InvalidArgument(prefix + ": " + Printable(text));
  }
  Status NotAllowed(const toml::node& node, const std::string& path,
                    std::string_view allowed) const {
    return At(node.source(), path + " = " + ValueText(node) +
                                 " is not allowed; allowed values: " + std::string(allowed));
  }
  Status UnknownKey(const toml::key& key, const std::string& table_path,
                    std::string_view known) const {
    const std::string path =
        table_path.empty() ? KeyText(key.str()) : table_path + "." + KeyText(key.str());
    return At(key.source(), path + " is not a known key; known keys: " + std::string(known));
  }

 private:
  std::string_view file_;
};

Result<std::string> GetString(const Reporter& report, const toml::node& node,
                              const std::string& path) {
  if (const auto* s = node.as_string()) return s->get();
  return report.At(node.source(), path + " must be a string");
}

Result<int64_t> GetInteger(const Reporter& report, const toml::node& node,
                           const std::string& path) {
  if (const auto* i = node.as_integer()) return i->get();
  return report.At(node.source(), path + " must be an integer");
}

// An integer or a float, as a double.
Result<double> GetNumber(const Reporter& report, const toml::node& node, const std::string& path) {
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  return report.At(node.source(), path + " must be a number");
}

Result<bool> GetBool(const Reporter& report, const toml::node& node, const std::string& path) {
  if (const auto* b = node.as_boolean()) return b->get();
  return report.At(node.source(), path + " must be true or false");
}

// A string naming a duration (app/duration_arg.h), e.g. "1s".
Result<std::string> GetDuration(const Reporter& report, const toml::node& node,
                                const std::string& path) {
  auto text = GetString(report, node, path);
  if (!text.ok()) return text;
  if (auto parsed = ParseDuration(*text); !parsed.ok()) {
    return report.At(node.source(),
                     path + " = " + ValueText(node) + ": " + parsed.status().message());
  }
  return text;
}

Status ParseRunTable(const Reporter& report, const toml::table& run, RunConfig& config) {
  for (const auto& [key, node] : run) {
    const std::string path = "run." + KeyText(key.str());
    if (key == "source" || key == "state") {
      auto text = GetString(report, node, path);
      if (!text.ok()) return text.status();
      if (text->empty()) return report.At(node.source(), path + " must not be empty");
      (key == "source" ? config.source : config.state_dir) = *text;
    } else if (key == "save_interval" || key == "stop_after") {
      auto text = GetDuration(report, node, path);
      if (!text.ok()) return text.status();
      (key == "save_interval" ? config.save_interval : config.stop_after) = *text;
    } else if (key == "speed") {
      auto speed = GetNumber(report, node, path);
      if (!speed.ok()) return speed.status();
      if (!(*speed > 0 && *speed <= kMaxRunSpeed)) {
        return report.NotAllowed(node, path, "above 0, at most 1000000");
      }
      config.speed = *speed;
    } else if (key == "seed") {
      auto seed = GetInteger(report, node, path);
      if (!seed.ok()) return seed.status();
      if (*seed < 0) return report.NotAllowed(node, path, "integers from 0");
      config.seed = static_cast<uint64_t>(*seed);
    } else if (key == "sealed") {
      auto sealed = GetBool(report, node, path);
      if (!sealed.ok()) return sealed.status();
      config.sealed = *sealed;
    } else {
      return report.UnknownKey(key, "run", kRunKeys);
    }
  }
  return Status::Ok();
}

// An endpoint list: one string or an array of strings, each checked by `check` (the transport's
// parser) so that a bad one is reported with its line.
template <typename Check>
Status GetEndpoints(const Reporter& report, const toml::node& node, const std::string& path,
                    Check check, std::vector<std::string>& out) {
  std::vector<const toml::node*> items;
  if (const auto* array = node.as_array()) {
    for (const toml::node& item : *array) items.push_back(&item);
  } else {
    items.push_back(&node);
  }
  for (const toml::node* item : items) {
    auto text = GetString(report, *item, path);
    if (!text.ok()) return report.At(item->source(), path + " must be a string or strings");
    if (auto parsed = check(*text); !parsed.ok()) {
      return report.At(item->source(), path + ": " + parsed.status().message());
    }
    out.push_back(*text);
  }
  return Status::Ok();
}

Status ParseInterfacesTable(const Reporter& report, const toml::table& table,
                            InterfaceArgs& interfaces) {
  for (const auto& [key, node] : table) {
    const std::string path = "interfaces." + KeyText(key.str());
    Status st = Status::Ok();
    if (key == "modbus_tcp") {
      st = GetEndpoints(report, node, path, transport::ParseTcpEndpoint, interfaces.modbus_tcp);
    } else if (key == "rtu_over_tcp") {
      st = GetEndpoints(report, node, path, transport::ParseTcpEndpoint, interfaces.rtu_over_tcp);
    } else if (key == "iec") {
      st = GetEndpoints(report, node, path, transport::ParseSerialSpec, interfaces.iec);
    } else if (key == "iec_tcp") {
      st = GetEndpoints(report, node, path, transport::ParseTcpEndpoint, interfaces.iec_tcp);
    } else if (key == "modbus_rtu") {
      st = GetEndpoints(report, node, path, transport::ParseSerialSpec, interfaces.modbus_rtu);
    } else if (key == "mbus") {
      st = GetEndpoints(report, node, path, transport::ParseSerialSpec, interfaces.mbus);
    } else if (key == "mbus_tcp") {
      st = GetEndpoints(report, node, path, transport::ParseTcpEndpoint, interfaces.mbus_tcp);
    } else if (key == "http") {
      auto text = GetString(report, node, path);
      if (!text.ok()) return text.status();
      if (*text != "off") {
        if (auto parsed = transport::ParseTcpEndpoint(*text); !parsed.ok()) {
          return report.At(node.source(), path + ": " + parsed.status().message() + ", or off");
        }
      }
      interfaces.http = *text;
    } else if (key == "http_token") {
      auto text = GetString(report, node, path);
      if (!text.ok()) return text.status();
      interfaces.http_token = *text;
    } else if (key == "response_delay") {
      auto text = GetDuration(report, node, path);
      if (!text.ok()) return text.status();
      interfaces.response_delay = *text;
    } else if (key == "tcp_any_unit_id") {
      auto flag = GetBool(report, node, path);
      if (!flag.ok()) return flag.status();
      interfaces.tcp_any_unit_id = *flag;
    } else {
      return report.UnknownKey(key, "interfaces", kInterfaceKeys);
    }
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Result<RegisterPreset> ParsePreset(const Reporter& report, const toml::table& table,
                                   const std::string& table_path) {
  RegisterPreset preset;
  for (const auto& [key, node] : table) {
    const std::string path = table_path + "." + KeyText(key.str());
    if (key == metering::QuantityInfo(metering::QuantityId::kPowerDownCount).name) {
      auto count = GetInteger(report, node, path);
      if (!count.ok()) return count.status();
      if (*count < 0 || *count > kMaxPresetPowerDownCount) {
        return report.NotAllowed(node, path, "0..32767 (the register is a signed 16-bit value)");
      }
      preset.power_down_count = *count;
      continue;
    }
    const auto quantity = PresetEnergyFromKey(key.str());
    if (!quantity) return report.UnknownKey(key, table_path, PresetKeyList());
    auto value = GetNumber(report, node, path);
    if (!value.ok()) return value.status();
    if (!(*value >= 0 && *value <= kMaxPresetEnergy)) {
      return report.NotAllowed(node, path, "0 to 99999999.99 (the 8-digit register range)");
    }
    preset.energies.emplace_back(*quantity, *value);
  }
  return preset;
}

// Converts a meter option's TOML value into the string (or int) of MeterArgs that the command
// line would have produced; the range checks are ValidateMeterArgs'.
Status SetMeterArg(const Reporter& report, std::string_view key, const toml::node& node,
                   const std::string& path, MeterArgs& args) {
  if (key == "variant" || key == "serial" || key == "wiring" || key == "identity") {
    auto text = GetString(report, node, path);
    if (!text.ok()) return text.status();
    (key == "variant"  ? args.variant
     : key == "serial" ? args.serial
     : key == "wiring" ? args.wiring
                       : args.identity) = *text;
  } else if (key == "s0_rate") {
    if (const auto* f = node.as_floating_point()) {
      args.s0_rate = NumberText(f->get());
      return Status::Ok();
    }
    auto number = GetInteger(report, node, path);
    if (!number.ok()) return report.At(node.source(), path + " must be a number");
    args.s0_rate = std::to_string(*number);
  } else {  // id, ct, combined_code, tariff
    auto number = GetInteger(report, node, path);
    if (!number.ok()) return number.status();
    if (key == "id") {
      // Out-of-int values are clamped; ValidateMeterArgs refuses them like any value off range.
      constexpr int64_t kLow = std::numeric_limits<int>::min();
      constexpr int64_t kHigh = std::numeric_limits<int>::max();
      args.id = static_cast<int>(std::clamp(*number, kLow, kHigh));
    } else {
      std::string text = std::to_string(*number);
      if (key == "ct") {
        args.ct = std::move(text);
      } else if (key == "combined_code") {
        args.combined_code = std::move(text);
      } else {
        args.tariff = std::move(text);
      }
    }
  }
  return Status::Ok();
}

struct ParsedMeter {
  MeterEntry entry;
  MeterOptions options;
  std::optional<bool> sealed;
  const toml::table* table = nullptr;
};

Result<ParsedMeter> ParseMeterTable(const Reporter& report, const toml::table& table,
                                    const std::string& path) {
  ParsedMeter meter;
  meter.table = &table;
  for (const auto& [key, node] : table) {
    const std::string key_path = path + "." + KeyText(key.str());
    if (key == "sealed") {
      auto sealed = GetBool(report, node, key_path);
      if (!sealed.ok()) return sealed.status();
      meter.sealed = *sealed;
    } else if (key == "preset") {
      const auto* preset_table = node.as_table();
      if (!preset_table) return report.At(node.source(), key_path + " must be a table");
      auto preset = ParsePreset(report, *preset_table, key_path);
      if (!preset.ok()) return preset.status();
      meter.entry.preset = std::move(*preset);
    } else {
      const std::string_view name = key.str();  // a structured binding cannot be captured
      const auto* known = std::find_if(kMeterOptionKeys.begin(), kMeterOptionKeys.end(),
                                       [name](const MeterOptionKey& k) { return name == k.key; });
      if (known == kMeterOptionKeys.end()) return report.UnknownKey(key, path, kMeterKeys);
      if (Status st = SetMeterArg(report, known->key, node, key_path, meter.entry.args); !st.ok()) {
        return st;
      }
    }
  }
  for (const MeterOptionKey& k : kMeterOptionKeys) {
    if (table.contains(k.key)) meter.entry.given.push_back("--" + std::string(k.option));
  }
  // ValidateMeterArgs' refusals, reworded to name this file's key and show its TOML value.
  const auto refusal = [&](std::string_view option, std::string_view value,
                           std::string_view allowed) {
    for (const MeterOptionKey& k : kMeterOptionKeys) {
      if (k.option != option) continue;
      const std::string key_path = path + "." + std::string(k.key);
      if (const toml::node* node = table.get(k.key)) {
        return report.NotAllowed(*node, key_path, allowed);
      }
      return report.At(table.source(),
                       key_path + " = " + Quoted(value) +
                           " is not allowed; allowed values: " + std::string(allowed));
    }
    return report.At(table.source(),
                     path + ": --" + std::string(option) + " " + Quoted(value) +
                         " is not allowed; allowed values: " + std::string(allowed));
  };
  auto options = ValidateMeterArgs(meter.entry.args, refusal);
  if (!options.ok()) return options.status();
  meter.options = std::move(*options);
  return meter;
}

// "meter[2].serial (line 9)" when the key is in the file, else "meter[2] (line 7), by default".
std::string Origin(const ParsedMeter& meter, std::size_t index, std::string_view key) {
  const std::string path = "meter[" + std::to_string(index + 1) + "]";
  if (const toml::node* node = meter.table->get(key)) {
    return path + "." + std::string(key) + " (line " + std::to_string(node->source().begin.line) +
           ")";
  }
  return path + " (line " + std::to_string(meter.table->source().begin.line) + ", by default)";
}

const toml::source_region& Where(const ParsedMeter& meter, std::string_view key) {
  const toml::node* node = meter.table->get(key);
  return node ? node->source() : meter.table->source();
}

// Serials are unique; ids are unique among the meters of a bus variant (they share the bus).
// PRO380-S has no bus, so its id is not compared.
Status CheckUnique(const Reporter& report, const std::vector<ParsedMeter>& meters) {
  std::map<std::string, std::size_t> serials;
  std::map<std::pair<Variant, int>, std::size_t> ids;
  for (std::size_t i = 0; i < meters.size(); ++i) {
    const MeterOptions& options = meters[i].options;
    if (auto [it, added] = serials.try_emplace(options.serial, i); !added) {
      return report.At(Where(meters[i], "serial"),
                       Origin(meters[i], i, "serial") + " repeats serial " +
                           Quoted(options.serial) + " of " +
                           Origin(meters[it->second], it->second, "serial") +
                           "; every meter needs its own serial");
    }
    if (options.variant == Variant::kS) continue;
    if (auto [it, added] = ids.try_emplace({options.variant, options.id}, i); !added) {
      return report.At(
          Where(meters[i], "id"),
          Origin(meters[i], i, "id") + " repeats id " + std::to_string(options.id) + " of " +
              Origin(meters[it->second], it->second, "id") + "; meters of the same variant (" +
              std::string(VariantName(options.variant)) + ") share a bus and need distinct ids");
    }
  }
  return Status::Ok();
}

Status ParseMeters(const Reporter& report, const toml::node& node, RunConfig& config) {
  const auto* array = node.as_array();
  if (!array) return report.At(node.source(), "meter must be an array of tables: write [[meter]]");
  if (array->empty()) return report.At(node.source(), "meter must hold at least one [[meter]]");
  std::vector<ParsedMeter> meters;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const std::string path = "meter[" + std::to_string(i + 1) + "]";
    const auto* table = element.as_table();
    if (!table) return report.At(element.source(), path + " must be a table: write [[meter]]");
    auto meter = ParseMeterTable(report, *table, path);
    if (!meter.ok()) return meter.status();
    meters.push_back(std::move(*meter));
  }
  if (Status st = CheckUnique(report, meters); !st.ok()) return st;
  for (ParsedMeter& meter : meters) {
    meter.entry.sealed = meter.sealed.value_or(config.sealed);
    config.meters.push_back(std::move(meter.entry));
  }
  return Status::Ok();
}

// [[fleet]] tables (app/fleet_config.h), after [run] (their `sealed` defaults to it).
Status ParseFleets(const Reporter& report, const toml::node& node, RunConfig& config) {
  const auto* array = node.as_array();
  if (!array) return report.At(node.source(), "fleet must be an array of tables: write [[fleet]]");
  const ConfigReport at = [&report](const toml::source_region& where, const std::string& text) {
    return report.At(where, text);
  };
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const std::string path = "fleet[" + std::to_string(i + 1) + "]";
    const auto* table = element.as_table();
    if (!table) return report.At(element.source(), path + " must be a table: write [[fleet]]");
    auto fleet = ParseFleetTable(at, *table, path, config.sealed);
    if (!fleet.ok()) return fleet.status();
    for (std::size_t k = 0; k < config.fleets.size(); ++k) {
      const FleetTemplate& other = config.fleets[k];
      if (fleet->serial_start <= other.serial_start + (other.count - 1) &&
          other.serial_start <= fleet->serial_start + (fleet->count - 1)) {
        return report.At(table->source(), path + " serials " + fleet->Serial(0) + ".." +
                                              fleet->Serial(fleet->count - 1) + " overlap fleet[" +
                                              std::to_string(k + 1) + "]'s " + other.Serial(0) +
                                              ".." + other.Serial(other.count - 1) +
                                              "; every meter needs its own serial");
      }
    }
    config.fleets.push_back(std::move(*fleet));
  }
  return Status::Ok();
}

// A [[meter]]'s serial is not one of a fleet's.
Status CheckFleetSerials(const Reporter& report, const toml::node& meters,
                         const RunConfig& config) {
  for (std::size_t i = 0; i < config.meters.size(); ++i) {
    const uint32_t serial = static_cast<uint32_t>(std::stoul(config.meters[i].args.serial));
    for (std::size_t k = 0; k < config.fleets.size(); ++k) {
      const FleetTemplate& fleet = config.fleets[k];
      if (serial < fleet.serial_start || serial - fleet.serial_start >= uint32_t(fleet.count)) {
        continue;
      }
      return report.At(meters.as_array()->get(i)->source(),
                       "meter[" + std::to_string(i + 1) + "] repeats serial \"" +
                           config.meters[i].args.serial + "\" of fleet[" + std::to_string(k + 1) +
                           "] (" + fleet.Serial(0) + ".." + fleet.Serial(fleet.count - 1) +
                           "); every meter needs its own serial");
    }
  }
  return Status::Ok();
}

Result<RunConfig> ParseDocument(const Reporter& report, const toml::table& root) {
  RunConfig config;
  for (const auto& [key, node] : root) {
    if (key != "run" && key != "meter" && key != "interfaces" && key != "fleet" && key != "mqtt" &&
        key != "mqtt_publish") {
      return report.UnknownKey(key, "", kRootKeys);
    }
  }
  if (const toml::node* interfaces = root.get("interfaces")) {
    const auto* table = interfaces->as_table();
    if (!table) {
      return report.At(interfaces->source(), "interfaces must be a table: write [interfaces]");
    }
    if (Status st = ParseInterfacesTable(report, *table, config.interfaces); !st.ok()) return st;
  }
  if (const toml::node* mqtt = root.get("mqtt")) {
    const auto* table = mqtt->as_table();
    if (!table) return report.At(mqtt->source(), "mqtt must be a table: write [mqtt]");
    auto settings =
        ParseMqttTable([&report](const toml::source_region& where,
                                 const std::string& text) { return report.At(where, text); },
                       *table);
    if (!settings.ok()) return settings.status();
    config.mqtt = std::move(*settings);
  }
  if (const toml::node* publish = root.get("mqtt_publish")) {
    const auto* table = publish->as_table();
    if (!table) {
      return report.At(publish->source(), "mqtt_publish must be a table: write [mqtt_publish]");
    }
    auto settings =
        ParseMqttPublishTable([&report](const toml::source_region& where,
                                        const std::string& text) { return report.At(where, text); },
                              *table);
    if (!settings.ok()) return settings.status();
    config.mqtt_publish = std::move(*settings);
  }
  if (const toml::node* run = root.get("run")) {
    const auto* table = run->as_table();
    if (!table) return report.At(run->source(), "run must be a table: write [run]");
    if (Status st = ParseRunTable(report, *table, config); !st.ok()) return st;
  }
  if (const toml::node* fleets = root.get("fleet")) {
    if (Status st = ParseFleets(report, *fleets, config); !st.ok()) return st;
  }
  if (const toml::node* meters = root.get("meter")) {
    if (Status st = ParseMeters(report, *meters, config); !st.ok()) return st;
    if (Status st = CheckFleetSerials(report, *meters, config); !st.ok()) return st;
  } else if (config.fleets.empty()) {
    MeterEntry meter;  // the defaults of MeterArgs, as a bare `pro380 run`
    meter.sealed = config.sealed;
    config.meters.push_back(std::move(meter));
  }
  return config;
}

}  // namespace

Result<RunConfig> ParseRunConfig(std::string_view toml_text, std::string_view file_name) {
  // toml++ is built without exceptions (CMakeLists.txt); only std::bad_alloc can be thrown here.
  try {
    const Reporter report(file_name);
    toml::parse_result parsed = toml::parse(toml_text, file_name);
    if (!parsed) {
      const toml::parse_error& error = parsed.error();
      const toml::source_position& at = error.source().begin;
      return Status::InvalidArgument(std::string(file_name) + ":" + std::to_string(at.line) + ":" +
                                     std::to_string(at.column) +
                                     ": TOML syntax error: " + Printable(error.description()));
    }
    return ParseDocument(report, parsed.table());
  } catch (const std::exception& e) {
    return Status::Internal(std::string(file_name) + ": " + e.what());
  }
}

Result<RunConfig> LoadRunConfig(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Status::IoError(path + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buffer[16384];
  std::size_t n = 0;
  while (text.size() <= kMaxConfigBytes && (n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    text.append(buffer, n);
  }
  const int error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (error != 0) return Status::IoError(path + ": cannot read: " + std::strerror(error));
  if (text.size() > kMaxConfigBytes) {
    return Status::InvalidArgument(path + ": larger than 1 MiB; is this a config file?");
  }
  return ParseRunConfig(text, path);
}

}  // namespace pro380::app
