#include "app/fleet_ports.h"

#include <cstdio>

#include "app/interface_counters.h"

namespace pro380::app {

Result<std::unique_ptr<FleetPorts>> FleetPorts::Open(
    asio::io_context& io, const std::vector<InterfacePlan>& buses,
    const std::vector<std::vector<ModbusUnit>>& units,
    const std::vector<std::vector<MbusUnit>>& mbus_units, transport::TrafficTap* tap) {
  auto fleet = std::make_unique<FleetPorts>();
  for (std::size_t p = 0; p < buses.size(); ++p) {
    if (p < mbus_units.size() && !mbus_units[p].empty()) {
      auto service = MbusService::Open(io, buses[p], mbus_units[p], tap);
      if (!service.ok()) return service.status().WithContext("fleet bus");
      fleet->OpenedMbus(std::move(*service), mbus_units[p]);
      continue;
    }
    if (p >= units.size() || units[p].empty()) continue;  // not planned (a bus has meters)
    const std::vector<ModbusUnit>& u = units[p];
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

void FleetPorts::OpenedMbus(std::unique_ptr<MbusService> service,
                            const std::vector<MbusUnit>& units) {
  // The units of a bus have consecutive primary addresses and serials, and a new meter's
  // secondary address is its serial (app/fleet_template.h); a written one is shown as it is.
  const auto secondary = [](const MbusUnit& unit) {
    char text[16];
    std::snprintf(text, sizeof text, "%08u", device::MbusSecondaryAddress(*unit.settings));
    return std::string(text);
  };
  const std::string whom =
      ", primary addresses " + std::to_string(units.front().settings->mbus_primary_address) + "-" +
      std::to_string(units.back().settings->mbus_primary_address) + ", secondary addresses " +
      secondary(units.front()) + "-" + secondary(units.back());
  for (const MbusService::Listener& l : service->tcp()) {
    lines_.push_back("fleet: M-Bus TCP on " + transport::ToString(l.server->endpoint()) + whom);
  }
  for (const auto& line : service->lines()) {
    lines_.push_back("fleet: M-Bus on " + line->name() + " at " +
                     std::to_string(line->settings().baud) + " 8E1" + whom);
  }
  mbus_services_.push_back(std::move(service));
}

std::vector<std::string> FleetPorts::Describe() const { return lines_; }

std::vector<web::InterfaceCounters> FleetPorts::Counters() const {
  std::vector<web::InterfaceCounters> out;
  const auto add = [&out](std::vector<web::InterfaceCounters> buses) {
    for (web::InterfaceCounters& c : buses) {
      c.name = "fleet " + c.name;
      out.push_back(std::move(c));
    }
  };
  for (const auto& service : services_) add(ModbusCounters(*service, MeterCounters::kSummed));
  for (const auto& service : mbus_services_) add(MbusCounters(*service, MeterCounters::kSummed));
  return out;
}

void FleetPorts::FollowMeters() {
  for (const auto& service : services_) {
    for (const auto& line : service->rtu_lines()) line->FollowMeter();
  }
  for (const auto& service : mbus_services_) {
    for (const auto& line : service->lines()) line->FollowMeter();
  }
}

}  // namespace pro380::app
