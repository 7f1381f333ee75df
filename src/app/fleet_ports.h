// FleetPorts: the Modbus TCP ports of the config's fleets (app/fleet_plan.h), each a bus of its
// own over its meters (up to 247 unit IDs a port), unlike [interfaces], where every Modbus meter
// is on every interface.
#ifndef PRO380_APP_FLEET_PORTS_H_
#define PRO380_APP_FLEET_PORTS_H_

#include <memory>
#include <string>
#include <vector>

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
  // Listens on every port of `ports` for the units of the same index in `units`. Errors: the
  // transport's (a port in use), with the port named.
  static Result<std::unique_ptr<FleetPorts>> Open(asio::io_context& io,
                                                  const std::vector<transport::TcpEndpoint>& ports,
                                                  const std::vector<std::vector<ModbusUnit>>& units,
                                                  transport::TrafficTap* tap);

  // One line per port, e.g. "fleet: Modbus TCP on 127.0.0.1:15000, IDs 1-247, serials
  // 30000001-30000247".
  std::vector<std::string> Describe() const;

 private:
  std::vector<std::unique_ptr<ModbusService>> services_;
  std::vector<std::string> lines_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_PORTS_H_
