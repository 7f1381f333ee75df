// MeterGateway: how the web layer reaches the meters, which belong to the thread of `pro380
// run`'s event loop (docs/web.md, "Threads"). The HTTP server answers from its own worker
// threads; every handler that needs a meter wraps its work in a task and hands it to Run, which
// executes it on the meters' thread and waits for it. Nothing in web/ touches a meter, a bank or
// the logs outside such a task, so there is no shared mutable state between threads except the
// ChangeFeed (which is locked).
//
// web/ defines the interface; app/ implements it (app/web_gateway.h) over its Asio loop. Tests
// implement it by running the task at once.
#ifndef PRO380_WEB_METER_GATEWAY_H_
#define PRO380_WEB_METER_GATEWAY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "device/device_settings.h"
#include "device/front_panel.h"
#include "device/interface_views.h"
#include "device/pro380_register_bank.h"
#include "metering/meter.h"

namespace pro380::web {

class TrafficLog;
class EventLog;

// A meter's front panel as web/ drives it, at the panel's present time. app/ adapts its panel
// driver, which applies the settings a menu chooses by the bus rules and logs and saves them.
class PanelPort {
 public:
  virtual ~PanelPort() = default;
  virtual void Press(device::Button button) = 0;
  virtual void Release(device::Button button) = 0;
  virtual device::LcdView View() const = 0;
  virtual device::LedView Led(metering::EnergyKind kind) const = 0;
  virtual device::PanelMode mode() const = 0;
};

// A meter's source as web/ sees it (docs/sources.md): its status and, for a source that takes
// values from the REST API (`http`), the values and the schedule a client sets. app/ adapts the
// source; web/ passes the request bodies through, so it needs none of the source's types.
struct SourceStatusView {
  std::string spec;   // "http", "mqtt://127.0.0.1:1883/house"
  std::string state;  // "waiting", "fresh", "stale", "timed_out"
  bool stale = false;
  std::optional<double> age_s;                             // since the last accepted reading
  std::vector<std::pair<std::string, uint64_t>> counters;  // "accepted", "rejected", ...
};

class SourcePort {
 public:
  virtual ~SourcePort() = default;
  virtual SourceStatusView View() const = 0;
  // OK; InvalidArgument when the body is wrong (nothing changes); FailedPrecondition when the
  // source takes no values from the REST API.
  virtual Status SetValues(std::string_view json) = 0;
  virtual Status SetSchedule(std::string_view json) = 0;
};

// One meter of the process, as a task sees it. Pointers valid during the task only.
struct WebMeter {
  std::string serial;
  std::string variant;  // "mod", "mb", "s"
  metering::Meter* meter = nullptr;
  device::DeviceSettings* settings = nullptr;
  // Writes from REST go through the bank, as a Modbus write does (same rules, same change sink,
  // so they are logged and saved alike). Every meter has one, also one without Modbus.
  device::Pro380RegisterBank* bank = nullptr;
  bool on_modbus = false;  // its registers are served on the process's Modbus interfaces
  // Its M-Bus readout (a PRO380-Mb), its optical port's readout (the meter the --iec ports
  // reach); nullptr when the meter has none here.
  device::Pro380MbusDevice* mbus = nullptr;
  const device::Pro380IecProvider* iec = nullptr;
  // The meter's face: LCD, buttons, menus (app/ advances its timers on the loop's tick).
  PanelPort* panel = nullptr;
  // Its live source (docs/sources.md); nullptr for the other kinds.
  SourcePort* source = nullptr;
};

// Counters of one interface (a Modbus listener, an RTU line, …) as name/value pairs, so that
// web/ needs no protocol's types.
struct InterfaceCounters {
  std::string name;  // "modbus-tcp 127.0.0.1:1502"
  std::vector<std::pair<std::string, uint64_t>> values;
};

struct MeterAccess {
  std::vector<WebMeter> meters;
  TrafficLog* traffic = nullptr;
  EventLog* events = nullptr;
  // The counters of every interface now.
  std::function<std::vector<InterfaceCounters>()> counters;
  // Called after an accepted REST write, so that settings which take effect "after the reply"
  // (line settings of an RTU line following its meter) are applied.
  std::function<void()> settings_written;
  // The host's clock (write contexts, SSE time stamps).
  std::function<TimePoint()> wall_now;
  // Meter time runs this many times faster than wall time (`--speed`): the LED pulse times the
  // page is sent are in wall time.
  double speed = 1.0;

  WebMeter* Find(std::string_view serial) {
    for (WebMeter& m : meters) {
      if (m.serial == serial) return &m;
    }
    return nullptr;
  }
};

class MeterGateway {
 public:
  virtual ~MeterGateway() = default;
  // Runs `task` on the meters' thread and returns once it has run: OK, or IoError when it
  // could not run within the gateway's timeout (the loop is stopping or stuck); the task may then
  // still run later, so it must own (share) everything it writes.
  virtual Status Run(std::function<void(MeterAccess&)> task) = 0;
};

}  // namespace pro380::web

#endif  // PRO380_WEB_METER_GATEWAY_H_
