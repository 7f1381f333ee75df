// The interfaces `pro380 run` opens (product.md "interface options", docs/config.md
// "[interfaces]"): resolved from the command line and the config file before anything starts,
// every problem an InvalidArgument naming the option or key and the allowed form.
//
// Every Modbus meter of the process (variant mod) is on every Modbus interface, selected by its
// ID, and every M-Bus meter (variant mb) on every M-Bus interface; with no interface given at
// all, a bare run serves Modbus TCP on 127.0.0.1:1502.
#ifndef PRO380_APP_INTERFACE_PLAN_H_
#define PRO380_APP_INTERFACE_PLAN_H_

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "transport/endpoint.h"

namespace pro380::app {

inline constexpr std::string_view kDefaultModbusTcp = "127.0.0.1:1502";
inline constexpr std::string_view kDefaultHttp = "127.0.0.1:8380";
inline constexpr std::string_view kDefaultResponseDelay = "5ms";
inline constexpr Duration kMaxResponseDelay = std::chrono::seconds(1);

// As typed (command line) or written (config file); empty / nullopt = not given.
struct InterfaceArgs {
  std::vector<std::string> modbus_tcp;
  std::vector<std::string> modbus_rtu;
  std::vector<std::string> rtu_over_tcp;
  std::vector<std::string> iec;           // the optical port: DEV or pty:PATH (app/iec_service.h)
  std::vector<std::string> iec_tcp;       // the optical port's protocol over TCP
  std::optional<std::string> http;        // ADDR:PORT or "off"
  std::optional<std::string> http_token;  // bearer token for REST writes (docs/web.md)
  std::optional<std::string> response_delay;  // a duration, e.g. "5ms"
  std::optional<bool> tcp_any_unit_id;
  std::vector<std::string> mbus;      // DEV[:BAUD] or pty:PATH[:BAUD] (8E1, M-Bus)
  std::vector<std::string> mbus_tcp;  // ADDR:PORT

  bool any_interface() const {
    return !modbus_tcp.empty() || !modbus_rtu.empty() || !rtu_over_tcp.empty() || !mbus.empty() ||
           !mbus_tcp.empty() || !iec.empty() || !iec_tcp.empty();
  }
};

struct InterfacePlan {
  std::vector<transport::TcpEndpoint> modbus_tcp;
  std::vector<transport::SerialSpec> modbus_rtu;
  std::vector<transport::TcpEndpoint> rtu_over_tcp;
  std::vector<transport::SerialSpec> iec;  // a BAUD or PARITY in the spec is refused
  std::vector<transport::TcpEndpoint> iec_tcp;
  std::optional<transport::TcpEndpoint> http;  // nullopt: off
  // REST writes need "Authorization: Bearer <token>" when set; without it they are allowed only
  // on a loopback address (docs/web.md, "Token").
  std::optional<std::string> http_token;
  // RTU lines only: the pause between the end of a request (t3.5 after its last byte) and the
  // reply, the turnaround a master's RS485 adapter needs (docs/protocols/modbus.md).
  Duration response_delay{};
  // Interop (off by default): a Modbus TCP request to any unit id reaches the process's only
  // Modbus meter, for clients that send unit id 0 or 255 to a TCP device.
  bool tcp_any_unit_id = false;
  // M-Bus (variant mb meters, docs/protocols/mbus.md): serial lines (even parity always) and TCP.
  std::vector<transport::SerialSpec> mbus;
  std::vector<transport::TcpEndpoint> mbus_tcp;
};

// Adds --modbus-tcp, --modbus-rtu, --rtu-over-tcp, --mbus, --mbus-tcp, --iec, --iec-tcp (each
// repeatable), --http, --response-delay and --tcp-any-unit-id to `command`.
void AddInterfaceOptions(CLI::App& command, InterfaceArgs& args);

// The command line's interfaces if it names any, else the file's, else the default; scalar
// options likewise one by one. `file` is the config's [interfaces] table (empty if none).
Result<InterfacePlan> ResolveInterfaces(const InterfaceArgs& typed, const InterfaceArgs& file);

}  // namespace pro380::app

#endif  // PRO380_APP_INTERFACE_PLAN_H_
