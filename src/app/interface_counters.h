// The counters of the Modbus and M-Bus interfaces and of TCP listeners as the web page shows
// them (web::InterfaceCounters: name/value pairs, so web/ needs no protocol types). The optical
// port's are IecService::Counters.
#ifndef PRO380_APP_INTERFACE_COUNTERS_H_
#define PRO380_APP_INTERFACE_COUNTERS_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/mbus_service.h"
#include "app/modbus_service.h"
#include "transport/tcp_server.h"
#include "web/meter_gateway.h"

namespace pro380::app {

using CounterValues = std::vector<std::pair<std::string, uint64_t>>;

// How a bus's meters' counters are shown: each under its meter ("meter_<serial>.requests"), as
// for the [interfaces] buses, or summed over the bus ("requests"), as for a fleet's buses of up
// to 250 meters (docs/web.md "Counters"). A sum is the sum of the meters' counters: a frame every
// meter hears (a broadcast, one for another address) counts once per meter.
enum class MeterCounters { kEach, kSummed };

// Appends the counters of a bus's meters, one meter at a time, to `values`: kEach under the
// meter's name, kSummed into totals ("meters" first, then one value per counter name) that the
// first meter's call appends and the others' add to. Every meter gives the same names in the
// same order.
class MeterCounterValues {
 public:
  MeterCounterValues(CounterValues& values, MeterCounters how, std::size_t meters);
  void Add(const std::string& serial,
           std::initializer_list<std::pair<std::string_view, uint64_t>> counters);

 private:
  CounterValues& values_;
  MeterCounters how_;
  std::size_t first_total_ = 0;  // index of the first total in values_ (kSummed)
  bool first_meter_ = true;
};

// A TCP listener's connection counters: "connections_open", "connections_accepted", ….
CounterValues TcpServerCounterValues(const transport::TcpServerCounters& counters);

// Per Modbus listener or line: its connections or its framer, the meters' server and FC08
// diagnostic counters (each or summed) and the collisions.
std::vector<web::InterfaceCounters> ModbusCounters(const ModbusService& service,
                                                   MeterCounters how = MeterCounters::kEach);

// Per M-Bus listener or line: its connections or its framer, the drops, the meters' slave engine
// counters (each or summed) and the collisions.
std::vector<web::InterfaceCounters> MbusCounters(const MbusService& service,
                                                 MeterCounters how = MeterCounters::kEach);

}  // namespace pro380::app

#endif  // PRO380_APP_INTERFACE_COUNTERS_H_
