// MbusBus: the M-Bus meters reachable through one interface (one serial line, one TCP port),
// each with its own mbus::Slave (selection state, FCB, access number per bus). Every meter sees
// every frame, as every slave on a real bus hears the master.
//
// Who listens and what the master hears (docs/protocols/mbus.md, "Buses"):
// - a CT meter whose ratio is not set does not communicate (product.md, "CT variant");
// - on a serial line, a meter whose M-Bus baud rate differs from the line's hears only noise;
// - when several meters answer one frame (a wildcard selection, two meters with one primary
//   address), their replies are sent one after the other: on a real bus they would overlap, and
//   either way the master sees more than one reply — a collision, which a wildcard scan
//   (libmbus mbus_scan_2nd_address_range) resolves by narrowing the mask.
//
// Thread safety: none; the thread that owns the meters drives every bus.
#ifndef PRO380_APP_MBUS_BUS_H_
#define PRO380_APP_MBUS_BUS_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "device/device_settings.h"
#include "metering/meter.h"
#include "protocol/mbus/frame.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/stream_framer.h"
#include "transport/traffic_tap.h"

namespace pro380::app {

// One M-Bus meter of the process. The pointees outlive every bus.
struct MbusUnit {
  std::string serial;
  const metering::Meter* meter = nullptr;
  const device::DeviceSettings* settings = nullptr;
  mbus::SlaveDevice* device = nullptr;
};

class MbusBus {
 public:
  // `interface` names the bus in the event log and the traffic log ("mbus", "mbus-tcp"); `tap`
  // receives every frame heard and sent (nullptr: nowhere).
  MbusBus(std::vector<MbusUnit> units, std::string interface, transport::TrafficTap* tap = nullptr);

  // The bytes the master hears after `frame`: every answering meter's reply, in meter order;
  // empty when none answers. `line_baud` is the serial line's rate (0 on TCP). The frame and each
  // reply go to the tap.
  std::vector<uint8_t> Handle(const mbus::Frame& frame, std::string_view client, TimePoint now,
                              int line_baud);
  // A frame the interface's framer refused: counted here (TCP framers live as long as their
  // connection) and shown in the traffic log.
  void Dropped(std::string_view client, mbus::DropReason reason);

  const std::vector<MbusUnit>& units() const { return units_; }
  const mbus::Slave& slave(size_t index) const { return *slaves_[index]; }
  const std::string& interface() const { return interface_; }
  // Frames more than one meter answered.
  uint64_t collisions() const { return collisions_; }
  // Frames the interface's framers dropped, by mbus::DropReason.
  const std::array<uint64_t, 4>& drops() const { return drops_; }

 private:
  bool Listens(size_t index, int line_baud) const;

  std::vector<MbusUnit> units_;
  std::vector<std::unique_ptr<mbus::Slave>> slaves_;
  std::string interface_;
  transport::TrafficTap* tap_;
  uint64_t collisions_ = 0;
  std::array<uint64_t, 4> drops_{};
};

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_BUS_H_
