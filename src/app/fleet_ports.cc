#include "app/fleet_ports.h"

namespace pro380::app {

Result<std::unique_ptr<FleetPorts>> FleetPorts::Open(
    asio::io_context& io, const std::vector<transport::TcpEndpoint>& ports,
    const std::vector<std::vector<ModbusUnit>>& units, transport::TrafficTap* tap) {
  auto fleet = std::make_unique<FleetPorts>();
  for (std::size_t p = 0; p < ports.size(); ++p) {
    InterfacePlan plan;
    plan.modbus_tcp = {ports[p]};
    auto service = ModbusService::Open(io, plan, units[p], tap);
    if (!service.ok()) return service.status().WithContext("fleet port");
    const std::vector<ModbusUnit>& u = units[p];
    if (u.empty()) continue;  // not planned (every port of a fleet has meters)
    // The units of a port have consecutive IDs and serials (app/fleet_template.h).
    const std::string where = transport::ToString((*service)->tcp().front().server->endpoint());
    fleet->lines_.push_back("fleet: Modbus TCP on " + where + ", IDs " +
                            std::to_string(u.front().settings->modbus_id) + "-" +
                            std::to_string(u.back().settings->modbus_id) + ", serials " +
                            u.front().serial + "-" + u.back().serial);
    fleet->services_.push_back(std::move(*service));
  }
  return fleet;
}

std::vector<std::string> FleetPorts::Describe() const { return lines_; }

}  // namespace pro380::app
