// Fleet templates: a `[[fleet]]` table of the config file (docs/config.md, "[[fleet]]") stands for
// `count` PRO380-Mod meters with consecutive serials, spread over consecutive Modbus TCP ports
// with `ids_per_port` unit IDs each. Meter j of a fleet (from 0) has serial serial_start + j, unit
// ID id_start + j % ids_per_port on port number j / ids_per_port, and scenario seed seed_start + j.
//
// Thread safety: plain values and functions.
#ifndef PRO380_APP_FLEET_TEMPLATE_H_
#define PRO380_APP_FLEET_TEMPLATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "transport/endpoint.h"

namespace pro380::app {

inline constexpr int kMaxFleetMeters = 100'000;
inline constexpr int kMaxModbusId = 247;

struct FleetTemplate {
  int count = 0;                    // 1..kMaxFleetMeters
  uint32_t serial_start = 0;        // serial of meter 0; the last serial stays within 8 digits
  int id_start = 1;                 // 1..247
  int ids_per_port = kMaxModbusId;  // 1..247, id_start + ids_per_port - 1 <= 247
  // The first port's endpoint; port k is its port + k. Port 0: every port any free port.
  transport::TcpEndpoint modbus_tcp;
  std::optional<uint64_t> seed_start;  // none: [run].seed + the meter's position in the process
  bool sealed = false;

  int ports() const { return (count + ids_per_port - 1) / ids_per_port; }
  std::string Serial(int j) const;  // 8 digits
  int Id(int j) const { return id_start + j % ids_per_port; }
  int Port(int j) const { return j / ids_per_port; }
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_TEMPLATE_H_
