#include "app/fleet_template.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <utility>

#include "app/fleet_config.h"
#include "app/meter_option_keys.h"
#include "device/device_settings.h"

namespace pro380::app {

std::string FleetTemplate::Serial(int j) const {
  char text[16];
  std::snprintf(text, sizeof text, "%08u", serial_start + static_cast<uint32_t>(j));
  return text;
}

namespace {

// The keys of the template itself; the meter keys (kFleetMeterKeys) follow them.
constexpr std::string_view kFleetOwnKeys =
    "count, serial_start, id_start, ids_per_port, modbus_tcp, modbus_rtu, mbus_tcp, mbus, "
    "seed_start, sealed";
constexpr uint32_t kLastSerial = 99'999'999;

// Every key a [[fleet]] knows, for "is not a known key": its own, then the meter keys.
std::string FleetKnownKeys() {
  std::string keys(kFleetOwnKeys);
  for (const MeterOptionKey& k : kFleetMeterKeys) keys += ", " + std::string(k.key);
  return keys;
}

// The variants a fleet may be of: a PRO380-Mod fleet's buses are Modbus TCP ports and RTU lines,
// a PRO380-Mb fleet's M-Bus TCP ports and M-Bus lines; a PRO380-S fleet has none.
constexpr std::string_view kFleetVariants =
    "mod (buses: modbus_tcp, modbus_rtu), mb (buses: mbus_tcp, mbus), s (no bus: read over the "
    "web page and REST API)";

// A fleet's bus keys by variant: a key of the other variant's buses is refused by name.
bool IsModbusBusKey(std::string_view key) { return key == "modbus_tcp" || key == "modbus_rtu"; }
bool IsMbusBusKey(std::string_view key) { return key == "mbus_tcp" || key == "mbus"; }
// The keys of a fleet with buses only: a PRO380-S has no bus and no address.
bool IsBusOrAddressKey(std::string_view key) {
  return IsModbusBusKey(key) || IsMbusBusKey(key) || key == "id_start" || key == "ids_per_port";
}

// The allowed first addresses of a bus, for the messages of id_start and ids_per_port.
std::string AddressRange(Variant variant) {
  return variant == Variant::kMb
             ? "1..250 (M-Bus primary addresses; 0, a new meter's address, stays free on a "
               "fleet's bus, and 251..255 are not primary addresses)"
             : "1..247 (Modbus unit IDs)";
}

// A value as written, for "KEY = VALUE is not allowed".
std::string ValueText(const toml::node& node) {
  if (const auto* s = node.as_string()) return "\"" + s->get() + "\"";
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return std::to_string(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return node.is_table() ? "a table" : node.is_array() ? "an array" : "a date or time";
}

// Stores a fleet meter key's value as the text the command line would give MeterArgs.
Status SetMeterArg(const ConfigReport& report, std::string_view key, const toml::node& node,
                   const std::string& key_path, MeterArgs& args) {
  if (key == "variant" || key == "wiring" || key == "identity") {
    const auto* s = node.as_string();
    if (!s) return report(node.source(), key_path + " must be a string");
    (key == "variant" ? args.variant : key == "wiring" ? args.wiring : args.identity) = s->get();
  } else if (key == "s0_rate") {
    if (const auto* f = node.as_floating_point()) {
      args.s0_rate = std::to_string(f->get());
    } else if (const auto* i = node.as_integer()) {
      args.s0_rate = std::to_string(i->get());
    } else {
      return report(node.source(), key_path + " must be a number");
    }
  } else if (key == "ct" || key == "combined_code" || key == "tariff") {
    const auto* i = node.as_integer();
    if (!i) return report(node.source(), key_path + " must be an integer");
    (key == "ct"              ? args.ct.emplace()
     : key == "combined_code" ? args.combined_code
                              : args.tariff) = std::to_string(i->get());
  } else {  // a [[meter]] key added to kMeterOptionKeys without a way to read it here
    return report(node.source(), key_path + " cannot be given to a fleet yet");
  }
  return Status::Ok();
}

// The fleet's RTU lines, one per bus: a string with %d (the bus number from 0; a string without
// it only for a fleet of one bus) or an array of one string per bus, each DEV[:BAUD[:PARITY]] or
// pty:PATH[:BAUD[:PARITY]] as in [interfaces], all on different devices.
Result<std::vector<transport::SerialSpec>> ParseFleetLines(const ConfigReport& report,
                                                           const toml::node& node,
                                                           const std::string& key_path, int buses) {
  const std::string allowed =
      "one line per bus (this fleet has " + std::to_string(buses) +
      "): a string with %d for the bus number from 0, e.g. \"pty:/tmp/fleet%d\" or "
      "\"/dev/ttyUSB%d:9600:E\", or an array of " +
      std::to_string(buses) + " such lines";
  std::vector<std::string> texts;
  if (const auto* s = node.as_string()) {
    const std::string& pattern = s->get();
    if (pattern.find("%d") == std::string::npos && buses > 1) {
      return report(node.source(), key_path + " = " + ValueText(node) +
                                       " is not allowed; allowed values: " + allowed);
    }
    for (int k = 0; k < buses; ++k) {
      std::string text = pattern;
      for (std::size_t at = text.find("%d"); at != std::string::npos; at = text.find("%d", at)) {
        text.replace(at, 2, std::to_string(k));
      }
      texts.push_back(std::move(text));
    }
  } else if (const auto* array = node.as_array()) {
    if (array->size() != static_cast<std::size_t>(buses)) {
      return report(node.source(), key_path + " has " + std::to_string(array->size()) +
                                       " line(s); allowed values: " + allowed);
    }
    for (const toml::node& element : *array) {
      const auto* line = element.as_string();
      if (!line) return report(element.source(), key_path + " must hold strings; " + allowed);
      texts.push_back(line->get());
    }
  } else {
    return report(node.source(), key_path + " must be a string or an array of strings; " +
                                     "allowed values: " + allowed);
  }
  std::vector<transport::SerialSpec> lines;
  for (const std::string& text : texts) {
    auto spec = transport::ParseSerialSpec(text);
    if (!spec.ok()) {
      return report(node.source(),
                    key_path + " = \"" + text + "\" is not allowed: " + spec.status().message());
    }
    for (const transport::SerialSpec& other : lines) {
      if (other.device == spec->device) {
        return report(node.source(), key_path + ": two buses on " + spec->device +
                                         " is not allowed; allowed values: " + allowed +
                                         ", each on its own device");
      }
    }
    lines.push_back(std::move(*spec));
  }
  return lines;
}

// A fleet's M-Bus lines are 8E1 at a baud rate the PRO380-Mb offers, as [interfaces].mbus.
Status CheckMbusLines(const ConfigReport& report, const toml::node& node,
                      const std::string& key_path,
                      const std::vector<transport::SerialSpec>& lines) {
  for (const transport::SerialSpec& spec : lines) {
    const bool even = !spec.parity || *spec.parity == transport::SerialParity::kEven;
    const bool baud =
        !spec.baud || std::find(device::kBaudRates.begin(), device::kBaudRates.end(),
                                static_cast<int>(*spec.baud)) != device::kBaudRates.end();
    if (!even || !baud) {
      return report(node.source(), key_path + ": the line on " + spec.device +
                                       " is not allowed; allowed values: DEV[:BAUD] or "
                                       "pty:PATH[:BAUD], BAUD 300, 600, 1200, 2400, 4800, 9600, "
                                       "parity E or none given (M-Bus lines are 8E1)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<FleetTemplate> ParseFleetTable(const ConfigReport& report, const toml::table& table,
                                      const std::string& path, bool run_sealed) {
  FleetTemplate fleet;
  fleet.sealed = run_sealed;
  const auto not_allowed = [&](const toml::node& node, const std::string& key_path,
                               const std::string& value, std::string_view allowed) {
    return report(node.source(), key_path + " = " + value +
                                     " is not allowed; allowed values: " + std::string(allowed));
  };
  // An integer key within [low, high].
  const auto integer = [&](const toml::node& node, const std::string& key_path, int64_t low,
                           int64_t high) -> Result<int64_t> {
    const auto* i = node.as_integer();
    if (!i) return report(node.source(), key_path + " must be an integer");
    if (i->get() < low || i->get() > high) {
      return not_allowed(node, key_path, std::to_string(i->get()),
                         std::to_string(low) + ".." + std::to_string(high));
    }
    return i->get();
  };
  // The variant decides the bus keys and the address range, so it is read first.
  if (const toml::node* variant = table.get("variant")) {
    const auto* text = variant->as_string();
    if (!text) return report(variant->source(), path + ".variant must be a string");
    if (text->get() == "mb") {
      fleet.meter.variant = Variant::kMb;
    } else if (text->get() == "s") {
      fleet.meter.variant = Variant::kS;
    } else if (text->get() != "mod") {
      return not_allowed(*variant, path + ".variant", ValueText(*variant), kFleetVariants);
    }
  }
  const Variant variant = fleet.variant();
  fleet.ids_per_port = fleet.MaxAddress();
  const auto address = [&](const toml::node& node, const std::string& key_path) -> Result<int> {
    const auto* i = node.as_integer();
    if (!i) return report(node.source(), key_path + " must be an integer");
    if (i->get() < 1 || i->get() > fleet.MaxAddress()) {
      return not_allowed(node, key_path, std::to_string(i->get()), AddressRange(variant));
    }
    return static_cast<int>(i->get());
  };
  bool has_count = false, has_serial = false;
  const toml::node* id_start_node = nullptr;
  const toml::node* rtu_node = nullptr;
  const toml::node* mbus_node = nullptr;
  MeterArgs meter_args;
  for (const auto& [key, node] : table) {
    const std::string key_path = path + "." + std::string(key.str());
    if (variant == Variant::kS && IsBusOrAddressKey(key.str())) {
      return report(key.source(), key_path +
                                      " is not a key of an s fleet: a PRO380-S has no bus and no "
                                      "address (its meters are read over the web page and REST "
                                      "API); allowed keys: count, serial_start, seed_start, "
                                      "sealed and the meter keys");
    }
    if (variant != Variant::kS &&
        (variant == Variant::kMb ? IsModbusBusKey(key.str()) : IsMbusBusKey(key.str()))) {
      return report(key.source(),
                    key_path + " is not a key of " + (variant == Variant::kMb ? "an mb" : "a mod") +
                        " fleet; allowed keys: " +
                        (variant == Variant::kMb ? "mbus_tcp, mbus (the M-Bus buses of a "
                                                   "PRO380-Mb fleet)"
                                                 : "modbus_tcp, modbus_rtu (the Modbus buses of "
                                                   "a PRO380-Mod fleet; mbus_tcp and mbus are "
                                                   "an mb fleet's)"));
    }
    if (key == "count") {
      auto v = integer(node, key_path, 1, kMaxFleetMeters);
      if (!v.ok()) return v.status();
      fleet.count = static_cast<int>(*v);
      has_count = true;
    } else if (key == "serial_start") {
      const auto* s = node.as_string();
      if (!s) return report(node.source(), key_path + " must be a string of 8 digits");
      const std::string& text = s->get();
      bool digits = text.size() == 8;
      for (const char c : text) digits = digits && c >= '0' && c <= '9';
      if (!digits) {
        return not_allowed(node, key_path, "\"" + text + "\"",
                           "exactly 8 decimal digits, e.g. \"30000001\"");
      }
      fleet.serial_start = static_cast<uint32_t>(std::stoul(text));
      has_serial = true;
    } else if (key == "id_start") {
      auto v = address(node, key_path);
      if (!v.ok()) return v.status();
      fleet.id_start = *v;
      id_start_node = &node;
    } else if (key == "ids_per_port") {
      auto v = address(node, key_path);
      if (!v.ok()) return v.status();
      fleet.ids_per_port = *v;
    } else if (key == "modbus_tcp" || key == "mbus_tcp") {
      const auto* s = node.as_string();
      if (!s) return report(node.source(), key_path + " must be a string \"ADDR:PORT\"");
      auto endpoint = transport::ParseTcpEndpoint(s->get());
      if (!endpoint.ok()) {
        return not_allowed(node, key_path, "\"" + s->get() + "\"",
                           "ADDR:PORT, the first of consecutive ports: IPv4, [IPv6] or "
                           "localhost, port 0..65535 (0 = every port any free port)");
      }
      (key == "mbus_tcp" ? fleet.mbus_tcp : fleet.modbus_tcp) = *endpoint;
    } else if (key == "modbus_rtu") {
      rtu_node = &node;  // expanded below, when the number of buses is known
    } else if (key == "mbus") {
      mbus_node = &node;  // likewise
    } else if (key == "seed_start") {
      auto v = integer(node, key_path, 0, std::numeric_limits<int64_t>::max());
      if (!v.ok()) return v.status();
      fleet.seed_start = static_cast<uint64_t>(*v);
    } else if (key == "sealed") {
      const auto* b = node.as_boolean();
      if (!b) return report(node.source(), key_path + " must be true or false");
      fleet.sealed = b->get();
    } else {
      const std::string_view name = key.str();
      const auto* meter_key =
          std::find_if(kFleetMeterKeys.begin(), kFleetMeterKeys.end(),
                       [name](const MeterOptionKey& k) { return k.key == name; });
      if (meter_key == kFleetMeterKeys.end()) {
        return report(key.source(),
                      key_path + " is not a known key; known keys: " + FleetKnownKeys());
      }
      if (Status st = SetMeterArg(report, name, node, key_path, meter_args); !st.ok()) return st;
      fleet.given.push_back("--" + std::string(meter_key->option));
    }
  }
  const auto missing = [&](std::string_view key, std::string_view allowed) {
    return report(table.source(),
                  path + " needs " + std::string(key) + " (" + std::string(allowed) + ")");
  };
  if (!has_count) return missing("count", "the number of meters, 1..100000");
  if (!has_serial) return missing("serial_start", "the first serial, 8 digits");
  if (variant == Variant::kMod && !fleet.modbus_tcp && rtu_node == nullptr) {
    return missing("modbus_tcp or modbus_rtu",
                   "\"ADDR:PORT\", the first port, or the RTU lines, e.g. \"pty:/tmp/fleet%d\"");
  }
  if (variant == Variant::kMb && !fleet.mbus_tcp && mbus_node == nullptr) {
    return missing("mbus_tcp or mbus",
                   "\"ADDR:PORT\", the first M-Bus TCP port, or the M-Bus lines, e.g. "
                   "\"pty:/tmp/mbus%d\"");
  }
  // The address range of a bus stays within 1..247 (Modbus) or 1..250 (M-Bus).
  if (fleet.id_start + fleet.ids_per_port - 1 > fleet.MaxAddress()) {
    return report(id_start_node ? id_start_node->source() : table.source(),
                  path + ".id_start + ids_per_port - 1 = " +
                      std::to_string(fleet.id_start + fleet.ids_per_port - 1) +
                      " is not allowed; allowed values: at most " +
                      std::to_string(fleet.MaxAddress()) + " (a bus's " +
                      (variant == Variant::kMb ? "primary addresses" : "unit IDs") + " are " +
                      std::to_string(fleet.id_start) + ".." +
                      std::to_string(fleet.id_start + fleet.ids_per_port - 1) + ")");
  }
  if (fleet.serial_start + static_cast<uint32_t>(fleet.count - 1) > kLastSerial) {
    return report(table.source(), path + ".serial_start + count - 1 = " +
                                      std::to_string(fleet.serial_start + fleet.count - 1ULL) +
                                      " is not allowed; allowed values: at most 99999999 (8 "
                                      "digits)");
  }
  for (const auto& [tcp, key] :
       {std::pair{&fleet.modbus_tcp, "modbus_tcp"}, std::pair{&fleet.mbus_tcp, "mbus_tcp"}}) {
    if (*tcp && (*tcp)->port != 0 && (*tcp)->port + fleet.ports() - 1 > 65535) {
      return report(table.source(), path + "." + key + ": the fleet needs " +
                                        std::to_string(fleet.ports()) + " ports from " +
                                        std::to_string((*tcp)->port) +
                                        "; allowed values: a first port of at most " +
                                        std::to_string(65536 - fleet.ports()));
    }
  }
  if (rtu_node != nullptr) {
    auto lines = ParseFleetLines(report, *rtu_node, path + ".modbus_rtu", fleet.ports());
    if (!lines.ok()) return lines.status();
    fleet.modbus_rtu = std::move(*lines);
  }
  if (mbus_node != nullptr) {
    auto lines = ParseFleetLines(report, *mbus_node, path + ".mbus", fleet.ports());
    if (!lines.ok()) return lines.status();
    if (Status st = CheckMbusLines(report, *mbus_node, path + ".mbus", *lines); !st.ok()) return st;
    fleet.mbus = std::move(*lines);
  }
  // The meter keys, checked by the command line's rules for a meter of the fleet.
  meter_args.serial = fleet.Serial(0);
  meter_args.id = fleet.id_start;
  const auto refusal = [&](std::string_view option, std::string_view value,
                           std::string_view allowed) {
    for (const MeterOptionKey& k : kFleetMeterKeys) {
      if (k.option != option) continue;
      if (const toml::node* node = table.get(k.key)) {
        return not_allowed(*node, path + "." + std::string(k.key), ValueText(*node), allowed);
      }
    }
    return report(table.source(), path + ": --" + std::string(option) + " \"" + std::string(value) +
                                      "\" is not allowed; allowed values: " + std::string(allowed));
  };
  auto options = ValidateMeterArgs(meter_args, refusal);
  if (!options.ok()) return options.status();
  fleet.meter = std::move(*options);
  return fleet;
}

}  // namespace pro380::app
