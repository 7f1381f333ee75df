// ModbusService: every Modbus interface of `pro380 run` (InterfacePlan), each a ModbusBus over
// the process's Modbus meters: TCP listeners (Modbus TCP, RTU over TCP) and RTU lines.
#ifndef PRO380_APP_MODBUS_SERVICE_H_
#define PRO380_APP_MODBUS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/modbus_bus.h"
#include "app/modbus_sessions.h"
#include "transport/tcp_server.h"

namespace asio {
class io_context;
}

namespace pro380::app {

class ModbusService {
 public:
  // Opens every Modbus interface of `plan` for `units` (none when `units` is empty). An RTU line
  // opens at the settings its spec names, else at its first meter's; a line with several meters
  // keeps its settings (follow_meter off). Errors: the transport's, with the option named.
  // `tap` (may be null) receives every frame of every interface.
  static Result<std::unique_ptr<ModbusService>> Open(asio::io_context& io,
                                                     const InterfacePlan& plan,
                                                     const std::vector<ModbusUnit>& units,
                                                     transport::TrafficTap* tap = nullptr);

  // One line per interface for the start banner, e.g. "Modbus TCP on 127.0.0.1:1502, ID 1".
  std::vector<std::string> Describe() const;

  struct Listener {
    std::unique_ptr<ModbusBus> bus;  // shared by the listener's connections
    std::unique_ptr<transport::TcpServer> server;
  };
  const std::vector<Listener>& tcp() const { return tcp_; }
  const std::vector<Listener>& rtu_over_tcp() const { return rtu_over_tcp_; }
  const std::vector<std::unique_ptr<RtuLine>>& rtu_lines() const { return rtu_lines_; }

 private:
  std::vector<ModbusUnit> units_;
  std::vector<Listener> tcp_;
  std::vector<Listener> rtu_over_tcp_;
  std::vector<std::unique_ptr<RtuLine>> rtu_lines_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_SERVICE_H_
