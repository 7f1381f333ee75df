// Fleet templates: a `[[fleet]]` table of the config file (docs/config.md, "[[fleet]]") stands for
// `count` meters with consecutive serials, spread over consecutive buses with `ids_per_port`
// addresses each. A PRO380-Mod fleet's bus k is its Modbus TCP port number k and/or its RTU line
// number k (unit IDs 1..247); a PRO380-Mb fleet's bus k is its M-Bus TCP port number k and/or its
// M-Bus line number k (primary addresses 1..250, secondary address = serial). Meter j of a fleet
// (from 0) has serial serial_start + j, address id_start + j % ids_per_port on bus j /
// ids_per_port, and scenario seed seed_start + j. Every meter of a fleet has the fleet's meter
// options: every [[meter]] key but serial and id (app/meter_option_keys.h, kFleetMeterKeys). A
// PRO380-S fleet has no bus and no addresses: its meters are read over the web page and REST API.
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
// A PRO380-Mb fleet's primary addresses (manual appendix 2: "1-250 = primary"); 0, the address of
// a meter as it leaves the factory, stays free on a fleet's bus (docs/config.md, "[[fleet]]").
inline constexpr int kMaxFleetMbusAddress = 250;

struct FleetTemplate {
  int count = 0;                    // 1..kMaxFleetMeters
  uint32_t serial_start = 0;        // serial of meter 0; the last serial stays within 8 digits
  int id_start = 1;                 // 1..MaxAddress()
  int ids_per_port = kMaxModbusId;  // 1..MaxAddress(), id_start + ids_per_port - 1 <= MaxAddress()
  // The first bus's Modbus TCP endpoint; bus k's is its port + k. Port 0: every bus any free
  // port. None: the buses are RTU lines only.
  std::optional<transport::TcpEndpoint> modbus_tcp;
  // Bus k's Modbus RTU line is modbus_rtu[k]; empty: no RTU lines (then modbus_tcp is set).
  std::vector<transport::SerialSpec> modbus_rtu;
  // A PRO380-Mb fleet's buses, as modbus_tcp and modbus_rtu are a PRO380-Mod fleet's: the first
  // M-Bus TCP endpoint (bus k's port is its port + k) and one M-Bus line (8E1) per bus.
  std::optional<transport::TcpEndpoint> mbus_tcp;
  std::vector<transport::SerialSpec> mbus;
  std::optional<uint64_t> seed_start;  // none: [run].seed + the meter's position in the process
  bool sealed = false;
  // Every meter's options but its serial and ID, checked as a [[meter]]'s; `given` names the keys
  // the table set as the command line would ("--ct", ...).
  MeterOptions meter;
  std::vector<std::string> given;

  Variant variant() const { return meter.variant; }
  // The highest address of a bus: 247 (Modbus unit ID) or 250 (M-Bus primary address).
  int MaxAddress() const { return variant() == Variant::kMb ? kMaxFleetMbusAddress : kMaxModbusId; }
  // Buses: none for a PRO380-S fleet (no bus), else count / ids_per_port rounded up.
  int ports() const {
    return variant() == Variant::kS ? 0 : (count + ids_per_port - 1) / ids_per_port;
  }
  std::string Serial(int j) const;  // 8 digits
  int Id(int j) const { return id_start + j % ids_per_port; }
  int Port(int j) const { return j / ids_per_port; }
};

}  // namespace pro380::app

#endif  // PRO380_APP_FLEET_TEMPLATE_H_
