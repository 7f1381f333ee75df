#include "app/modbus_service.h"

#include <asio.hpp>

namespace pro380::app {
namespace {

std::string Ids(const std::vector<ModbusUnit>& units) {
  std::string ids;
  for (const ModbusUnit& unit : units) {
    ids += (ids.empty() ? "" : ",") + std::to_string(unit.settings->modbus_id);
  }
  return (units.size() == 1 ? "ID " : "IDs ") + ids;
}

}  // namespace

Result<std::unique_ptr<ModbusService>> ModbusService::Open(asio::io_context& io,
                                                           const InterfacePlan& plan,
                                                           const std::vector<ModbusUnit>& units,
                                                           transport::TrafficTap* tap) {
  auto service = std::unique_ptr<ModbusService>(new ModbusService());
  service->units_ = units;
  if (units.empty()) return service;
  const auto listen = [&](const transport::TcpEndpoint& endpoint, std::string_view interface,
                          bool rtu_frames) -> Result<Listener> {
    Listener listener;
    listener.bus = std::make_unique<ModbusBus>(
        units, ModbusBusOptions{std::string(interface), plan.tcp_any_unit_id && !rtu_frames, tap});
    ModbusBus* bus = listener.bus.get();
    auto server = transport::TcpServer::Listen(
        io, endpoint,
        [bus, rtu_frames](
            transport::TcpConnection& connection) -> std::unique_ptr<transport::StreamHandler> {
          if (rtu_frames) return std::make_unique<RtuOverTcpSession>(connection, *bus);
          return std::make_unique<TcpModbusSession>(connection, *bus);
        });
    if (!server.ok()) {
      return server.status().WithContext(rtu_frames ? "--rtu-over-tcp" : "--modbus-tcp");
    }
    listener.server = std::move(*server);
    return listener;
  };
  for (const transport::TcpEndpoint& endpoint : plan.modbus_tcp) {
    auto listener = listen(endpoint, "modbus-tcp", false);
    if (!listener.ok()) return listener.status();
    service->tcp_.push_back(std::move(*listener));
  }
  for (const transport::TcpEndpoint& endpoint : plan.rtu_over_tcp) {
    auto listener = listen(endpoint, "rtu-over-tcp", true);
    if (!listener.ok()) return listener.status();
    service->rtu_over_tcp_.push_back(std::move(*listener));
  }
  for (const transport::SerialSpec& spec : plan.modbus_rtu) {
    transport::SerialSettings settings = SerialSettingsOf(*units.front().settings);
    if (spec.baud) settings.baud = *spec.baud;
    if (spec.parity) settings.parity = *spec.parity;
    RtuLineOptions options;
    options.response_delay = plan.response_delay;
    options.follow_meter = units.size() == 1;
    auto line =
        RtuLine::Open(io, spec, settings, ModbusBus(units, {"modbus-rtu", false, tap}), options);
    if (!line.ok()) return line.status().WithContext("--modbus-rtu");
    service->rtu_lines_.push_back(std::move(*line));
  }
  return service;
}

std::vector<std::string> ModbusService::Describe() const {
  std::vector<std::string> lines;
  for (const Listener& l : tcp_) {
    lines.push_back("Modbus TCP on " + transport::ToString(l.server->endpoint()) + ", " +
                    Ids(units_) + (l.bus->options().any_unit_id ? " (any unit id)" : ""));
  }
  for (const Listener& l : rtu_over_tcp_) {
    lines.push_back("Modbus RTU over TCP on " + transport::ToString(l.server->endpoint()) + ", " +
                    Ids(units_));
  }
  for (const auto& line : rtu_lines_) {
    std::string text = "Modbus RTU on " + line->name() + " at " +
                       transport::ToString(line->settings()) + ", " + Ids(units_);
    for (const ModbusUnit& unit : units_) {
      if (!(SerialSettingsOf(*unit.settings) == line->settings())) {
        text += "; meter " + unit.serial + " is set to " +
                transport::ToString(SerialSettingsOf(*unit.settings)) +
                " and does not hear this line";
      }
    }
    lines.push_back(text);
  }
  return lines;
}

}  // namespace pro380::app
