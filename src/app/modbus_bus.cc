#include "app/modbus_bus.h"

#include "app/traffic_report.h"

namespace pro380::app {

void ModbusBus::Tap(transport::FrameDirection direction, std::string_view peer,
                    std::span<const uint8_t> bytes, transport::FrameDecoder decoder,
                    std::string_view note) const {
  ReportFrame(options_.tap, options_.interface, direction, peer, bytes, decoder, note);
}

ModbusBus::ModbusBus(std::vector<ModbusUnit> units, ModbusBusOptions options)
    : units_(std::move(units)), options_(std::move(options)) {
  for (const ModbusUnit& unit : units_) {
    servers_.push_back(std::make_unique<modbus::Server>(
        *unit.bank, modbus::ServerOptions{static_cast<uint8_t>(unit.settings->modbus_id)}));
  }
}

bool ModbusBus::Listens(size_t index, const transport::SerialSettings* line) const {
  const ModbusUnit& unit = units_[index];
  if (!unit.meter->registering()) return false;
  return line == nullptr || SerialSettingsOf(*unit.settings) == *line;
}

std::optional<modbus::Pdu> ModbusBus::Handle(uint8_t address, const modbus::Pdu& request,
                                             std::string_view client, TimePoint now,
                                             const transport::SerialSettings* line) {
  if (options_.any_unit_id && units_.size() == 1 && address != modbus::kBroadcastAddress) {
    address = static_cast<uint8_t>(units_[0].settings->modbus_id);
  }
  const modbus::WriteContext context{options_.interface, client, address, now};
  std::optional<modbus::Pdu> reply;
  for (size_t i = 0; i < units_.size(); ++i) {
    if (!Listens(i, line)) continue;
    modbus::Server& server = *servers_[i];
    server.set_unit_id(static_cast<uint8_t>(units_[i].settings->modbus_id));
    std::optional<modbus::Pdu> answer = server.Handle(request, context);
    if (!answer) continue;
    if (reply) {
      ++collisions_;
    } else {
      reply = std::move(answer);
    }
  }
  return reply;
}

void ModbusBus::CountBusFrame(bool good, const transport::SerialSettings* line) {
  for (size_t i = 0; i < units_.size(); ++i) {
    if (Listens(i, line)) servers_[i]->CountBusFrame(good);
  }
}

transport::SerialSettings SerialSettingsOf(const device::DeviceSettings& settings) {
  transport::SerialSettings out;
  out.baud = static_cast<uint32_t>(settings.baud_rate);
  switch (settings.parity) {
    case device::Parity::kEven:
      out.parity = transport::SerialParity::kEven;
      break;
    case device::Parity::kNone:
      out.parity = transport::SerialParity::kNone;
      break;
    case device::Parity::kOdd:
      out.parity = transport::SerialParity::kOdd;
      break;
  }
  return out;
}

modbus::LineSettings LineSettingsOf(const transport::SerialSettings& settings) {
  modbus::LineSettings out;
  out.baud = settings.baud;
  out.stop_bits = settings.stop_bits;
  switch (settings.parity) {
    case transport::SerialParity::kNone:
      out.parity = modbus::Parity::kNone;
      break;
    case transport::SerialParity::kEven:
      out.parity = modbus::Parity::kEven;
      break;
    case transport::SerialParity::kOdd:
      out.parity = modbus::Parity::kOdd;
      break;
  }
  return out;
}

}  // namespace pro380::app
