// FleetPorts: the buses of the config's fleets (app/fleet_plan.h), each a Modbus TCP port and/or
// an RTU line of its own over its meters (up to 247 unit IDs a bus), unlike [interfaces], where
// every Modbus meter is on every interface.
#ifndef PRO380_APP_FLEET_PORTS_H_
#define PRO380_APP_FLEET_PORTS_H_

#include <memory>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/modbus_bus.h"
#include "app/modbus_service.h"
#include "base/status.h"
#include "transport/endpoint.h"

namespace asio {
class io_context;
}

namespace pro380::app {

class FleetPorts {
 public:
  // Opens every bus of `buses` (its TCP port, its RTU line) for the units of the same index in
  // `units`. Errors: the transport's (a port in use, a device missing), with it named.
  static Result<std::unique_ptr<FleetPorts>> Open(asio::io_context& io,
                                                  const std::vector<InterfacePlan>& buses,
                                                  const std::vector<std::vector<ModbusUnit>>& units,
                                                  transport::TrafficTap* tap);

  // One line per port and line, e.g. "fleet: Modbus TCP on 127.0.0.1:15000, IDs 1-247, serials
  // 30000001-30000247", "fleet: Modbus RTU on /tmp/fleet0 at 9600 8E1, IDs 1-3, serials ...".
  std::vector<std::string> Describe() const;

  // The RTU lines of one-meter buses switch to their meter's line settings (written elsewhere).
  void FollowMeters();

 private:
  std::vector<std::unique_ptr<ModbusService>> services_;
  std::vector<std::string> lines_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_PORTS_H_
