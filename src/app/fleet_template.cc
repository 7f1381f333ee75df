#include "app/fleet_template.h"

#include <cstdio>
#include <limits>

#include "app/fleet_config.h"

namespace pro380::app {

std::string FleetTemplate::Serial(int j) const {
  char text[16];
  std::snprintf(text, sizeof text, "%08u", serial_start + static_cast<uint32_t>(j));
  return text;
}

namespace {

constexpr std::string_view kFleetKeys =
    "count, serial_start, id_start, ids_per_port, modbus_tcp, seed_start, sealed";
constexpr uint32_t kLastSerial = 99'999'999;

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
  bool has_count = false, has_serial = false, has_port = false;
  const toml::node* id_start_node = nullptr;
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
      has_port = true;
    } else if (key == "seed_start") {
      auto v = integer(node, key_path, 0, std::numeric_limits<int64_t>::max());
      if (!v.ok()) return v.status();
      fleet.seed_start = static_cast<uint64_t>(*v);
    } else if (key == "sealed") {
      const auto* b = node.as_boolean();
      if (!b) return report(node.source(), key_path + " must be true or false");
      fleet.sealed = b->get();
    } else {
      return report(key.source(),
                    key_path + " is not a known key; known keys: " + std::string(kFleetKeys));
    }
  }
  const auto missing = [&](std::string_view key, std::string_view allowed) {
    return report(table.source(),
                  path + " needs " + std::string(key) + " (" + std::string(allowed) + ")");
  };
  if (!has_count) return missing("count", "the number of meters, 1..100000");
  if (!has_serial) return missing("serial_start", "the first serial, 8 digits");
  if (!has_port) return missing("modbus_tcp", "\"ADDR:PORT\", the first port");
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
  if (fleet.modbus_tcp.port != 0 && fleet.modbus_tcp.port + fleet.ports() - 1 > 65535) {
    return report(table.source(), path + ".modbus_tcp: the fleet needs " +
                                      std::to_string(fleet.ports()) + " ports from " +
                                      std::to_string(fleet.modbus_tcp.port) +
                                      "; allowed values: a first port of at most " +
                                      std::to_string(65536 - fleet.ports()));
  }
  return fleet;
}

}  // namespace pro380::app
