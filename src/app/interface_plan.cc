#include "app/interface_plan.h"

#include <CLI/CLI.hpp>
#include <set>

#include "app/duration_arg.h"
#include "app/iec_service.h"
#include "app/mbus_interfaces.h"

namespace pro380::app {

void AddInterfaceOptions(CLI::App& command, InterfaceArgs& args) {
  command.add_option("--modbus-tcp", args.modbus_tcp,
                     "serve Modbus TCP on ADDR:PORT (repeatable; default 127.0.0.1:1502)");
  command.add_option("--modbus-rtu", args.modbus_rtu,
                     "serve Modbus RTU on DEV[:BAUD[:PARITY]] or pty:PATH[:BAUD[:PARITY]] "
                     "(repeatable; PARITY E, N or O)");
  command.add_option("--rtu-over-tcp", args.rtu_over_tcp,
                     "serve Modbus RTU frames over TCP on ADDR:PORT (repeatable)");
  command.add_option("--iec", args.iec,
                     "serve the optical port (IEC 62056-21) on DEV or pty:PATH (repeatable)");
  command.add_option("--iec-tcp", args.iec_tcp,
                     "serve the optical port's protocol over TCP on ADDR:PORT (repeatable)");
  command.add_option("--mbus", args.mbus,
                     "serve M-Bus (variant mb meters) on DEV[:BAUD] or pty:PATH[:BAUD], 8E1 "
                     "(repeatable)");
  command.add_option("--mbus-tcp", args.mbus_tcp,
                     "serve M-Bus frames over TCP on ADDR:PORT (repeatable)");
  command.add_option("--http", args.http, "web page and REST API on ADDR:PORT, or off");
  command.add_option("--http-token", args.http_token,
                     "token REST writes must carry (Authorization: Bearer TOKEN); needed for "
                     "writes when --http is not a loopback address");
  command.add_option("--response-delay", args.response_delay,
                     "RTU lines: pause before each reply (default 5ms, at most 1s)");
  command.add_flag_callback(
      "--tcp-any-unit-id", [&args] { args.tcp_any_unit_id = true; },
      "interop: Modbus TCP requests to any unit id reach the only meter");
}

namespace {

template <typename T, typename Parse>
Result<std::vector<T>> ParseAll(const std::vector<std::string>& texts, std::string_view option,
                                Parse parse) {
  std::vector<T> out;
  for (const std::string& text : texts) {
    auto parsed = parse(text);
    if (!parsed.ok()) return parsed.status().WithContext(std::string(option));
    out.push_back(std::move(*parsed));
  }
  return out;
}

}  // namespace

Result<InterfacePlan> ResolveInterfaces(const InterfaceArgs& typed, const InterfaceArgs& file) {
  const InterfaceArgs& lists = typed.any_interface() ? typed : file;
  const std::string_view origin = typed.any_interface() ? "--" : "interfaces.";
  const auto name = [&](std::string_view option, std::string_view key) {
    return std::string(origin) + std::string(origin == "--" ? option : key);
  };
  InterfacePlan plan;
  auto tcp = ParseAll<transport::TcpEndpoint>(lists.modbus_tcp, name("modbus-tcp", "modbus_tcp"),
                                              transport::ParseTcpEndpoint);
  if (!tcp.ok()) return tcp.status();
  auto rtu = ParseAll<transport::SerialSpec>(lists.modbus_rtu, name("modbus-rtu", "modbus_rtu"),
                                             transport::ParseSerialSpec);
  if (!rtu.ok()) return rtu.status();
  auto rtu_tcp = ParseAll<transport::TcpEndpoint>(
      lists.rtu_over_tcp, name("rtu-over-tcp", "rtu_over_tcp"), transport::ParseTcpEndpoint);
  if (!rtu_tcp.ok()) return rtu_tcp.status();
  if (Status st = ResolveIecInterfaces(lists, origin == "--", plan); !st.ok()) return st;
  if (Status st =
          ResolveMbusInterfaces(lists, name("mbus", "mbus"), name("mbus-tcp", "mbus_tcp"), plan);
      !st.ok()) {
    return st;
  }
  plan.modbus_tcp = std::move(*tcp);
  plan.modbus_rtu = std::move(*rtu);
  plan.rtu_over_tcp = std::move(*rtu_tcp);
  if (!lists.any_interface()) {
    plan.modbus_tcp.push_back(*transport::ParseTcpEndpoint(kDefaultModbusTcp));
  }
  // One listener per port and one session per line: a repeat would fail later with a less
  // helpful "address in use".
  std::set<std::string> seen;
  for (const auto& e : plan.modbus_tcp) seen.insert(transport::ToString(e));
  for (const auto& e : plan.iec_tcp) {
    if (e.port != 0 && !seen.insert(transport::ToString(e)).second) {
      return Status::InvalidArgument(name("iec-tcp", "iec_tcp") + " " + transport::ToString(e) +
                                     " is also a Modbus TCP endpoint; each port serves one "
                                     "protocol");
    }
  }
  for (const auto& e : plan.mbus_tcp) {
    if (e.port != 0 && !seen.insert(transport::ToString(e)).second) {
      return Status::InvalidArgument(name("mbus-tcp", "mbus_tcp") + " " + transport::ToString(e) +
                                     " is also a Modbus endpoint; each port serves one protocol");
    }
  }
  for (const auto& e : plan.rtu_over_tcp) {
    if (e.port != 0 && !seen.insert(transport::ToString(e)).second) {
      return Status::InvalidArgument(name("rtu-over-tcp", "rtu_over_tcp") + " " +
                                     transport::ToString(e) +
                                     " is also a Modbus TCP endpoint; each port serves one "
                                     "protocol");
    }
  }
  std::set<std::string> devices;
  for (const auto& spec : plan.mbus) devices.insert(spec.device);
  for (const auto& spec : plan.modbus_rtu) {
    if (!devices.insert(spec.device).second) {
      return Status::InvalidArgument(name("modbus-rtu", "modbus_rtu") + " " + spec.device +
                                     " is given twice; a line is opened once");
    }
  }

  const std::optional<std::string>& http = typed.http ? typed.http : file.http;
  const std::string http_name = typed.http ? "--http" : "interfaces.http";
  if (!http) {
    plan.http = *transport::ParseTcpEndpoint(kDefaultHttp);
  } else if (*http != "off") {
    auto endpoint = transport::ParseTcpEndpoint(*http);
    if (!endpoint.ok()) return endpoint.status().WithContext(http_name + " (or off)");
    plan.http = *endpoint;
  }
  plan.http_token = typed.http_token ? typed.http_token : file.http_token;
  if (plan.http_token && plan.http_token->empty()) {
    return Status::InvalidArgument(
        std::string(typed.http_token ? "--http-token" : "interfaces.http_token") +
        ": the token must not be empty");
  }

  const std::optional<std::string>& delay =
      typed.response_delay ? typed.response_delay : file.response_delay;
  const std::string delay_name =
      typed.response_delay ? "--response-delay" : "interfaces.response_delay";
  auto parsed_delay = ParseDuration(delay.value_or(std::string(kDefaultResponseDelay)));
  if (!parsed_delay.ok()) return parsed_delay.status().WithContext(delay_name);
  if (*parsed_delay < Duration::zero() || *parsed_delay > kMaxResponseDelay) {
    return Status::InvalidArgument(delay_name + " '" + *delay +
                                   "' is not allowed; allowed values: 0ms to 1s");
  }
  plan.response_delay = *parsed_delay;
  plan.tcp_any_unit_id = typed.tcp_any_unit_id.value_or(file.tcp_any_unit_id.value_or(false));
  return plan;
}

}  // namespace pro380::app
