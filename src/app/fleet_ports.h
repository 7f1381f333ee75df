// FleetPorts: the buses of the config's fleets (app/fleet_plan.h), each a Modbus TCP port and/or
// an RTU line of its own over its PRO380-Mod meters (up to 247 unit IDs a bus), or an M-Bus TCP
// port and/or an M-Bus line over its PRO380-Mb meters (up to 250 primary addresses a bus, every
// meter also by its secondary address), unlike [interfaces], where every meter is on every
// interface of its bus kind.
#ifndef PRO380_APP_FLEET_PORTS_H_
#define PRO380_APP_FLEET_PORTS_H_

#include <memory>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/mbus_bus.h"
#include "app/mbus_service.h"
#include "app/modbus_bus.h"
#include "app/modbus_service.h"
#include "base/status.h"
#include "transport/endpoint.h"
#include "web/meter_gateway.h"

namespace asio {
class io_context;
}

namespace pro380::app {

class FleetPorts {
 public:
  // Opens every bus of `buses` (its TCP port, its line) for the units of the same index in
  // `units` (Modbus) or `mbus_units` (M-Bus); a bus has units of one kind only. Errors: the
  // transport's (a port in use, a device missing), with it named.
  static Result<std::unique_ptr<FleetPorts>> Open(
      asio::io_context& io, const std::vector<InterfacePlan>& buses,
      const std::vector<std::vector<ModbusUnit>>& units,
      const std::vector<std::vector<MbusUnit>>& mbus_units, transport::TrafficTap* tap);

  // One line per port and line, e.g. "fleet: Modbus TCP on 127.0.0.1:15000, IDs 1-247, serials
  // 30000001-30000247", "fleet: Modbus RTU on /tmp/fleet0 at 9600 8E1, IDs 1-3, serials ...",
  // "fleet: M-Bus TCP on 127.0.0.1:16000, primary addresses 1-250, secondary addresses
  // 50000001-50000250", "fleet: M-Bus on /tmp/mbus0 at 9600 8E1, primary addresses ...".
  std::vector<std::string> Describe() const;

  // The lines of one-meter buses switch to their meter's line settings (written elsewhere).
  void FollowMeters();

  // Every port's and line's counters as the [interfaces]' (app/interface_counters.h), named
  // "fleet modbus-tcp 127.0.0.1:15000", …, with the meters' counters summed over the bus.
  std::vector<web::InterfaceCounters> Counters() const;

 private:
  void OpenedMbus(std::unique_ptr<MbusService> service, const std::vector<MbusUnit>& units);

  std::vector<std::unique_ptr<ModbusService>> services_;
  std::vector<std::unique_ptr<MbusService>> mbus_services_;
  std::vector<std::string> lines_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_PORTS_H_
