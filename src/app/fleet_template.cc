#include "app/fleet_template.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>
#include <utility>

#include "app/fleet_config.h"
#include "app/meter_option_keys.h"

namespace pro380::app {

std::string FleetTemplate::Serial(int j) const {
  char text[16];
  std::snprintf(text, sizeof text, "%08u", serial_start + static_cast<uint32_t>(j));
  return text;
}

namespace {

// The keys of the template itself; the meter keys (kFleetMeterKeys) follow them.
constexpr std::string_view kFleetOwnKeys =
    "count, serial_start, id_start, ids_per_port, modbus_tcp, modbus_rtu, seed_start, sealed";
constexpr uint32_t kLastSerial = 99'999'999;

// Every key a [[fleet]] knows, for "is not a known key": its own, then the meter keys.
std::string FleetKnownKeys() {
  std::string keys(kFleetOwnKeys);
  for (const MeterOptionKey& k : kFleetMeterKeys) keys += ", " + std::string(k.key);
  return keys;
}

// The variants a fleet may be of: its buses are Modbus TCP ports and RTU lines, which answer
// PRO380-Mod meters only (an M-Bus or a bus-less PRO380-S fleet would need buses of its own).
constexpr std::string_view kFleetVariants =
    "mod (a fleet's buses are Modbus TCP ports and RTU lines)";

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
  bool has_count = false, has_serial = false;
  const toml::node* id_start_node = nullptr;
  const toml::node* rtu_node = nullptr;
  MeterArgs meter_args;
  for (const auto& [key, node] : table) {
    const std::string key_path = path + "." + std::string(key.str());
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
      auto v = integer(node, key_path, 1, kMaxModbusId);
      if (!v.ok()) return v.status();
      fleet.id_start = static_cast<int>(*v);
      id_start_node = &node;
    } else if (key == "ids_per_port") {
      auto v = integer(node, key_path, 1, kMaxModbusId);
      if (!v.ok()) return v.status();
      fleet.ids_per_port = static_cast<int>(*v);
    } else if (key == "modbus_tcp") {
      const auto* s = node.as_string();
      if (!s) return report(node.source(), key_path + " must be a string \"ADDR:PORT\"");
      auto endpoint = transport::ParseTcpEndpoint(s->get());
      if (!endpoint.ok()) {
        return not_allowed(node, key_path, "\"" + s->get() + "\"",
                           "ADDR:PORT, the first of consecutive ports: IPv4, [IPv6] or "
                           "localhost, port 0..65535 (0 = every port any free port)");
      }
      fleet.modbus_tcp = *endpoint;
    } else if (key == "modbus_rtu") {
      rtu_node = &node;  // expanded below, when the number of buses is known
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
  if (!fleet.modbus_tcp && rtu_node == nullptr) {
    return missing("modbus_tcp or modbus_rtu",
                   "\"ADDR:PORT\", the first port, or the RTU lines, e.g. \"pty:/tmp/fleet%d\"");
  }
  // The ID range of a port stays within 1..247.
  if (fleet.id_start + fleet.ids_per_port - 1 > kMaxModbusId) {
    return report(id_start_node ? id_start_node->source() : table.source(),
                  path + ".id_start + ids_per_port - 1 = " +
                      std::to_string(fleet.id_start + fleet.ids_per_port - 1) +
                      " is not allowed; allowed values: at most 247 (a port's unit IDs are " +
                      std::to_string(fleet.id_start) + ".." +
                      std::to_string(fleet.id_start + fleet.ids_per_port - 1) + ")");
  }
  if (fleet.serial_start + static_cast<uint32_t>(fleet.count - 1) > kLastSerial) {
    return report(table.source(), path + ".serial_start + count - 1 = " +
                                      std::to_string(fleet.serial_start + fleet.count - 1ULL) +
                                      " is not allowed; allowed values: at most 99999999 (8 "
                                      "digits)");
  }
  if (fleet.modbus_tcp && fleet.modbus_tcp->port != 0 &&
      fleet.modbus_tcp->port + fleet.ports() - 1 > 65535) {
    return report(table.source(), path + ".modbus_tcp: the fleet needs " +
                                      std::to_string(fleet.ports()) + " ports from " +
                                      std::to_string(fleet.modbus_tcp->port) +
                                      "; allowed values: a first port of at most " +
                                      std::to_string(65536 - fleet.ports()));
  }
  if (rtu_node != nullptr) {
    auto lines = ParseFleetLines(report, *rtu_node, path + ".modbus_rtu", fleet.ports());
    if (!lines.ok()) return lines.status();
    fleet.modbus_rtu = std::move(*lines);
  }
  // The meter keys, checked by the command line's rules for a meter of the fleet.
  if (const toml::node* variant = table.get("variant"); variant && meter_args.variant != "mod") {
    return not_allowed(*variant, path + ".variant", ValueText(*variant), kFleetVariants);
  }
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
