// The counters of the M-Bus interfaces and of TCP listeners as the web page shows them
// (web::InterfaceCounters: name/value pairs, so web/ needs no protocol types). The Modbus ones
// are ModbusCounters (app/web_service.h), the optical port's IecService::Counters.
#ifndef PRO380_APP_INTERFACE_COUNTERS_H_
#define PRO380_APP_INTERFACE_COUNTERS_H_

#include <vector>

#include "app/mbus_service.h"
#include "transport/tcp_server.h"
#include "web/meter_gateway.h"

namespace pro380::app {

using CounterValues = std::vector<std::pair<std::string, uint64_t>>;

// A TCP listener's connection counters: "connections_open", "connections_accepted", ….
CounterValues TcpServerCounterValues(const transport::TcpServerCounters& counters);

// Per M-Bus listener or line: its connections or its framer, the drops, and per meter of the bus
// its slave engine's counters ("meter_<serial>.requests", …) and the collisions.
std::vector<web::InterfaceCounters> MbusCounters(const MbusService& service);

}  // namespace pro380::app

#endif  // PRO380_APP_INTERFACE_COUNTERS_H_
