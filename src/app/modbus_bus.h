// ModbusBus: the Modbus meters reachable through one interface (one RTU line, one TCP port),
// each with its own modbus::Server, so FC08's counters are per line as on a real RS485 bus.
// Every meter sees every request, as every meter on a line hears every frame; the one
// addressed answers. The meters' banks and settings are shared by all buses of the process.
//
// Who listens (docs/protocols/modbus.md, "Buses"):
// - a CT meter whose ratio is not set does not communicate (product.md, "CT variant");
// - on an RTU line, a meter whose baud rate or parity differ from the line's hears only noise
//   and does not answer, as on a real bus after its settings were changed;
// - the server's address is the meter's current Modbus ID, read before every request, so an ID
//   write is answered from the old ID and the next request needs the new one.
//
// Thread safety: none; the thread that owns the meters drives every bus.
#ifndef PRO380_APP_MODBUS_BUS_H_
#define PRO380_APP_MODBUS_BUS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"
#include "device/device_settings.h"
#include "metering/meter.h"
#include "protocol/modbus/register_bank.h"
#include "protocol/modbus/rtu_framer.h"
#include "protocol/modbus/server.h"
#include "transport/endpoint.h"
#include "transport/traffic_tap.h"

namespace pro380::app {

// One Modbus meter of the process. The pointees outlive every bus.
struct ModbusUnit {
  std::string serial;
  const metering::Meter* meter = nullptr;
  const device::DeviceSettings* settings = nullptr;
  modbus::RegisterBank* bank = nullptr;
};

struct ModbusBusOptions {
  std::string interface;  // "modbus-tcp", "modbus-rtu", "rtu-over-tcp": for the event log
  bool any_unit_id = false;
  // Where the bus's sessions report every frame (the web page's traffic log); nullptr = nowhere.
  transport::TrafficTap* tap = nullptr;
};

class ModbusBus {
 public:
  ModbusBus(std::vector<ModbusUnit> units, ModbusBusOptions options);

  // The reply of the addressed meter to `request` sent to `address`, or nullopt. `line` is the
  // RTU line's settings (nullptr on TCP). `client` names the peer for the event log.
  std::optional<modbus::Pdu> Handle(uint8_t address, const modbus::Pdu& request,
                                    std::string_view client, TimePoint now,
                                    const transport::SerialSettings* line);

  // A frame the line's framer delimited (good or dropped), for FC08's bus counters.
  void CountBusFrame(bool good, const transport::SerialSettings* line);

  const std::vector<ModbusUnit>& units() const { return units_; }
  const modbus::Server& server(size_t index) const { return *servers_[index]; }
  const ModbusBusOptions& options() const { return options_; }
  // Reports a frame of this bus to the tap, if any (stamped with the wall clock).
  void Tap(transport::FrameDirection direction, std::string_view peer,
           std::span<const uint8_t> bytes, transport::FrameDecoder decoder,
           std::string_view note = {}) const;
  bool tapped() const { return options_.tap != nullptr; }
  // Requests two meters answered (two meters with one ID on one bus); the first reply is sent.
  uint64_t collisions() const { return collisions_; }

 private:
  bool Listens(size_t index, const transport::SerialSettings* line) const;

  std::vector<ModbusUnit> units_;
  std::vector<std::unique_ptr<modbus::Server>> servers_;
  ModbusBusOptions options_;
  uint64_t collisions_ = 0;
};

// The settings a meter's serial interface uses, as the transport and the RTU framer see them.
transport::SerialSettings SerialSettingsOf(const device::DeviceSettings& settings);
modbus::LineSettings LineSettingsOf(const transport::SerialSettings& settings);

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_BUS_H_
