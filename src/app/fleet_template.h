// Fleet templates: a `[[fleet]]` table of the config file (docs/config.md, "[[fleet]]") stands for
// `count` PRO380-Mod meters with consecutive serials, spread over consecutive buses with
// `ids_per_port` unit IDs each; bus k is the fleet's Modbus TCP port number k and/or its RTU line
// number k. Meter j of a fleet (from 0) has serial serial_start + j, unit ID id_start + j %
// ids_per_port on bus j / ids_per_port, and scenario seed seed_start + j. Every meter of a fleet
// has the fleet's meter options: every [[meter]] key but serial and id (app/meter_option_keys.h,
// kFleetMeterKeys); its variant is PRO380-Mod, the only one its Modbus buses answer for.
//
// Thread safety: plain values and functions.
#ifndef PRO380_APP_FLEET_TEMPLATE_H_
#define PRO380_APP_FLEET_TEMPLATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/meter_options.h"
#include "transport/endpoint.h"

namespace pro380::app {

inline constexpr int kMaxFleetMeters = 100'000;
inline constexpr int kMaxModbusId = 247;

struct FleetTemplate {
  int count = 0;                    // 1..kMaxFleetMeters
  uint32_t serial_start = 0;        // serial of meter 0; the last serial stays within 8 digits
  int id_start = 1;                 // 1..247
  int ids_per_port = kMaxModbusId;  // 1..247, id_start + ids_per_port - 1 <= 247
  // The first bus's Modbus TCP endpoint; bus k's is its port + k. Port 0: every bus any free
  // port. None: the buses are RTU lines only.
  std::optional<transport::TcpEndpoint> modbus_tcp;
  // Bus k's Modbus RTU line is modbus_rtu[k]; empty: no RTU lines (then modbus_tcp is set).
  std::vector<transport::SerialSpec> modbus_rtu;
  std::optional<uint64_t> seed_start;  // none: [run].seed + the meter's position in the process
  bool sealed = false;
  // Every meter's options but its serial and ID, checked as a [[meter]]'s; `given` names the keys
  // the table set as the command line would ("--ct", ...).
  MeterOptions meter;
  std::vector<std::string> given;

  int ports() const { return (count + ids_per_port - 1) / ids_per_port; }
  std::string Serial(int j) const;  // 8 digits
  int Id(int j) const { return id_start + j % ids_per_port; }
  int Port(int j) const { return j / ids_per_port; }
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_TEMPLATE_H_
