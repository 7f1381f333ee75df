#include "app/fleet_plan.h"

#include <string>

namespace pro380::app {

Status AddFleetMeters(const std::vector<FleetTemplate>& fleets, bool sealed_by_command_line,
                      RunPlan& plan) {
  for (const FleetTemplate& fleet : fleets) {
    const std::size_t first_port = plan.fleet_ports.size();
    for (int p = 0; p < fleet.ports(); ++p) {
      InterfacePlan& bus = plan.fleet_ports.emplace_back();
      // Bus p's TCP port is the first one's + p (port 0: any free port for each).
      const auto port_of_bus = [p](transport::TcpEndpoint endpoint) {
        if (endpoint.port != 0) endpoint.port = static_cast<uint16_t>(endpoint.port + p);
        return endpoint;
      };
      if (fleet.modbus_tcp) bus.modbus_tcp = {port_of_bus(*fleet.modbus_tcp)};
      if (!fleet.modbus_rtu.empty()) bus.modbus_rtu = {fleet.modbus_rtu[static_cast<size_t>(p)]};
      if (fleet.mbus_tcp) bus.mbus_tcp = {port_of_bus(*fleet.mbus_tcp)};
      if (!fleet.mbus.empty()) bus.mbus = {fleet.mbus[static_cast<size_t>(p)]};
    }
    plan.meters.reserve(plan.meters.size() + static_cast<std::size_t>(fleet.count));
    for (int j = 0; j < fleet.count; ++j) {
      PlannedMeter& m = plan.meters.emplace_back();
      m.options = fleet.meter;
      m.options.serial = fleet.Serial(j);
      m.options.id = fleet.Id(j);
      m.given = {"--serial", "--id"};
      m.given.insert(m.given.end(), fleet.given.begin(), fleet.given.end());
      m.sealed = fleet.sealed || sealed_by_command_line;
      m.in_fleet = true;
      if (fleet.ports() > 0) m.fleet_port = first_port + static_cast<std::size_t>(fleet.Port(j));
      if (fleet.seed_start) m.seed = *fleet.seed_start + static_cast<uint64_t>(j);
    }
  }
  return Status::Ok();
}

Status RequireWebForBuslessFleets(const std::vector<FleetTemplate>& fleets,
                                  const InterfacePlan& interfaces) {
  if (interfaces.http) return Status::Ok();
  for (std::size_t k = 0; k < fleets.size(); ++k) {
    if (fleets[k].variant() != Variant::kS) continue;
    return Status::InvalidArgument(
        "fleet[" + std::to_string(k + 1) +
        "] is variant s: a PRO380-S has no bus, so its meters are read over the web page and "
        "REST API only, which http = \"off\" turns off; allowed: http on (interfaces.http or "
        "--http ADDR:PORT) or a fleet variant with a bus (mod, mb)");
  }
  return Status::Ok();
}

std::vector<std::string> DescribeBuslessFleetMeters(const std::vector<PlannedMeter>& meters) {
  std::vector<std::string> lines;
  std::size_t first = 0;
  for (std::size_t k = 0; k <= meters.size(); ++k) {
    const bool busless = k < meters.size() && meters[k].in_fleet && !meters[k].fleet_port;
    // A fleet's meters are consecutive in the plan, with consecutive serials.
    const bool continues =
        busless && k > first &&
        std::stoul(meters[k].options.serial) == std::stoul(meters[k - 1].options.serial) + 1;
    if (continues) continue;
    if (k > first) {
      lines.push_back("fleet: " + std::to_string(k - first) + " PRO380-S, serials " +
                      meters[first].options.serial + "-" + meters[k - 1].options.serial +
                      ", no bus: on the web page and REST API");
    }
    first = busless ? k : k + 1;
  }
  return lines;
}

}  // namespace pro380::app
