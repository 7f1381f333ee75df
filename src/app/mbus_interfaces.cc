#include "app/mbus_interfaces.h"

#include <algorithm>
#include <set>

#include "app/wall_clock.h"

namespace pro380::app {

Status ResolveMbusInterfaces(const InterfaceArgs& lists, const std::string& serial_option,
                             const std::string& tcp_option, InterfacePlan& plan) {
  std::set<std::string> devices;
  for (const std::string& text : lists.mbus) {
    auto spec = transport::ParseSerialSpec(text);
    if (!spec.ok()) return spec.status().WithContext(serial_option);
    if (spec->parity && *spec->parity != transport::SerialParity::kEven) {
      return Status::InvalidArgument(serial_option + " '" + text +
                                     "': M-Bus lines are 8E1; allowed: DEV[:BAUD] or "
                                     "pty:PATH[:BAUD] with parity E or none given");
    }
    if (spec->baud && std::find(device::kBaudRates.begin(), device::kBaudRates.end(),
                                static_cast<int>(*spec->baud)) == device::kBaudRates.end()) {
      return Status::InvalidArgument(serial_option + " '" + text +
                                     "': baud rate not allowed; allowed values: 300, 600, 1200, "
                                     "2400, 4800, 9600");
    }
    if (!devices.insert(spec->device).second) {
      return Status::InvalidArgument(serial_option + " " + spec->device +
                                     " is given twice; a line is opened once");
    }
    plan.mbus.push_back(std::move(*spec));
  }
  for (const std::string& text : lists.mbus_tcp) {
    auto endpoint = transport::ParseTcpEndpoint(text);
    if (!endpoint.ok()) return endpoint.status().WithContext(tcp_option);
    plan.mbus_tcp.push_back(*endpoint);
  }
  return Status::Ok();
}

Status RequireMbusMeter(const InterfacePlan& plan, bool any_mbus_meter) {
  if (any_mbus_meter || (plan.mbus.empty() && plan.mbus_tcp.empty())) return Status::Ok();
  return Status::InvalidArgument(
      std::string(plan.mbus.empty() ? "--mbus-tcp" : "--mbus") +
      ": no meter of variant mb; only a PRO380-Mb answers M-Bus (use --variant mb, or "
      "variant = \"mb\" in a [[meter]] table; a [[fleet]]'s meters are on its own mbus_tcp "
      "and mbus only)");
}

void ApplyMbusLineSpecs(const InterfacePlan& interfaces, const metering::Meter& meter,
                        const std::string& serial, device::DeviceSettings& settings,
                        std::vector<storage::Event>& events) {
  const int before = settings.mbus_baud_rate;
  for (const transport::SerialSpec& spec : interfaces.mbus) {
    if (spec.baud) settings.mbus_baud_rate = static_cast<int>(*spec.baud);
  }
  if (settings.mbus_baud_rate == before) return;
  events.push_back({WallNow(), meter.now(), serial, storage::EventKind::kSettingChange, "cli", "",
                    "mbus_baud_rate: " + std::to_string(before) + " -> " +
                        std::to_string(settings.mbus_baud_rate)});
}

}  // namespace pro380::app
