#include "app/fleet_ports.h"

namespace pro380::app {

Result<std::unique_ptr<FleetPorts>> FleetPorts::Open(
    asio::io_context& io, const std::vector<InterfacePlan>& buses,
    const std::vector<std::vector<ModbusUnit>>& units, transport::TrafficTap* tap) {
  auto fleet = std::make_unique<FleetPorts>();
  for (std::size_t p = 0; p < buses.size() && p < units.size(); ++p) {
    const std::vector<ModbusUnit>& u = units[p];
    if (u.empty()) continue;  // not planned (every bus of a fleet has meters)
    auto service = ModbusService::Open(io, buses[p], u, tap);
    if (!service.ok()) return service.status().WithContext("fleet bus");
    // The units of a bus have consecutive IDs and serials (app/fleet_template.h).
    const std::string whom = ", IDs " + std::to_string(u.front().settings->modbus_id) + "-" +
                             std::to_string(u.back().settings->modbus_id) + ", serials " +
                             u.front().serial + "-" + u.back().serial;
    for (const ModbusService::Listener& l : (*service)->tcp()) {
      fleet->lines_.push_back("fleet: Modbus TCP on " + transport::ToString(l.server->endpoint()) +
                              whom);
    }
    for (const auto& line : (*service)->rtu_lines()) {
      const transport::SerialSettings& s = line->settings();
      fleet->lines_.push_back(
          "fleet: Modbus RTU on " + line->name() + " at " + std::to_string(s.baud) + " 8" +
          std::string(1, transport::ParityLetter(s.parity)) + std::to_string(s.stop_bits) + whom);
    }
    fleet->services_.push_back(std::move(*service));
  }
  return fleet;
}

std::vector<std::string> FleetPorts::Describe() const { return lines_; }

void FleetPorts::FollowMeters() {
  for (const auto& service : services_) {
    for (const auto& line : service->rtu_lines()) line->FollowMeter();
  }
}

}  // namespace pro380::app
