#include "app/client_endpoint.h"

#include "app/duration_arg.h"
#include "transport/endpoint.h"

namespace pro380::app {
namespace {

constexpr int kMaxRetries = 10;
constexpr Duration kMaxTimeout = std::chrono::seconds(60);

int BusOptionCount(const ClientEndpointArgs& args) {
  return int{args.modbus_tcp.has_value()} + int{args.modbus_rtu.has_value()} +
         int{args.rtu_over_tcp.has_value()} + int{args.iec.device.has_value()} +
         int{args.iec.tcp.has_value()} + int{args.mbus.serial.has_value()} +
         int{args.mbus.tcp.has_value()};
}

Result<Duration> Timeout(const ClientEndpointArgs& args) {
  auto timeout = ParseDuration(args.timeout);
  if (!timeout.ok()) return timeout.status().WithContext("--timeout");
  if (*timeout <= Duration::zero() || *timeout > kMaxTimeout) {
    return Status::InvalidArgument("--timeout '" + args.timeout +
                                   "' must be more than 0 and at most 60s");
  }
  return *timeout;
}

transport::SerialSettings SerialSettingsOf(const transport::SerialSpec& spec) {
  transport::SerialSettings settings;  // the PRO380's default 9600 8E1
  if (spec.baud) settings.baud = *spec.baud;
  if (spec.parity) settings.parity = *spec.parity;
  return settings;
}

}  // namespace

void AddClientEndpointOptions(CLI::App& cmd, ClientEndpointArgs& args, bool with_id) {
  cmd.add_option("--modbus-tcp", args.modbus_tcp, "meter's Modbus TCP endpoint ADDR:PORT");
  cmd.add_option("--modbus-rtu", args.modbus_rtu,
                 "serial device DEV[:BAUD[:PARITY]] of the RS485 bus (default 9600, E)");
  cmd.add_option("--rtu-over-tcp", args.rtu_over_tcp,
                 "Modbus RTU frames over TCP ADDR:PORT (a serial-to-Ethernet gateway)");
  if (with_id) {
    cmd.add_option("--id", args.id,
                   "the meter's Modbus ID 1..247 (default 1) or M-Bus primary address 0..250 "
                   "(default 0)");
  }
  cmd.add_option("--timeout", args.timeout,
                 "reply timeout per attempt (default " + args.timeout + ")");
  cmd.add_option("--retries", args.retries,
                 "attempts after a timeout, 0..10 (default " + std::to_string(args.retries) + ")");
  AddMbusEndpointOptions(cmd, args.mbus, with_id);
  AddIecEndpointOptions(cmd, args.iec);
}

std::string DescribeEndpoint(const ClientEndpointArgs& args) {
  if (args.modbus_tcp) return "--modbus-tcp " + *args.modbus_tcp;
  if (args.modbus_rtu) return "--modbus-rtu " + *args.modbus_rtu;
  if (args.rtu_over_tcp) return "--rtu-over-tcp " + *args.rtu_over_tcp;
  if (IecGiven(args.iec)) return DescribeIecEndpoint(args.iec);
  return DescribeMbusEndpoint(args.mbus);
}

Status ValidateClientEndpoint(const ClientEndpointArgs& args) {
  if (BusOptionCount(args) != 1) {
    return Status::InvalidArgument(
        "give exactly one of --modbus-tcp ADDR:PORT, --modbus-rtu DEV[:BAUD[:PARITY]], "
        "--rtu-over-tcp ADDR:PORT, --mbus DEV[:BAUD[:PARITY]], --mbus-tcp ADDR:PORT, "
        "--iec DEV[:BAUD], --iec-tcp ADDR:PORT (--iec*: read, write)");
  }
  if (args.retries < 0 || args.retries > kMaxRetries) {
    return Status::InvalidArgument("--retries " + std::to_string(args.retries) + " must be 0..10");
  }
  if (auto timeout = Timeout(args); !timeout.ok()) return timeout.status();
  if (MbusGiven(args.mbus)) return ValidateMbusOptions(args.mbus, args.id);
  if (args.mbus.secondary || args.mbus.fabrication || args.mbus.mode2) {
    return Status::InvalidArgument(
        "--secondary, --fabrication-number and --mode2 need --mbus or --mbus-tcp");
  }
  if (args.id < 1 || args.id > 247) {
    return Status::InvalidArgument("--id " + std::to_string(args.id) + " must be 1..247");
  }
  if (IecGiven(args.iec)) return ValidateIecEndpoint(args.iec);
  if (args.modbus_tcp || args.rtu_over_tcp) {
    const std::string option = args.modbus_tcp ? "--modbus-tcp" : "--rtu-over-tcp";
    auto endpoint =
        transport::ParseTcpEndpoint(args.modbus_tcp ? *args.modbus_tcp : *args.rtu_over_tcp);
    if (!endpoint.ok()) return endpoint.status().WithContext(option);
    if (endpoint->port == 0) return Status::InvalidArgument(option + ": port 0 is no endpoint");
    return Status::Ok();
  }
  auto spec = transport::ParseSerialSpec(*args.modbus_rtu);
  if (!spec.ok()) return spec.status().WithContext("--modbus-rtu");
  if (spec->pty) {
    return Status::InvalidArgument(
        "--modbus-rtu: a client opens an existing device path; give the pty's link path "
        "without 'pty:'");
  }
  return Status::Ok();
}

Duration ClientTimeout(const ClientEndpointArgs& args) { return *Timeout(args); }

Result<std::unique_ptr<ModbusMaster>> OpenModbusMaster(const ClientEndpointArgs& args) {
  if (Status valid = ValidateClientEndpoint(args); !valid.ok()) return valid;
  if (MbusGiven(args.mbus)) {
    return Status::InvalidArgument("--mbus, --mbus-tcp: this command does not speak M-Bus yet");
  }
  const Duration timeout = *Timeout(args);
  const modbus::ClientOptions options{.timeout = timeout, .retries = args.retries};
  if (args.modbus_rtu) {
    const transport::SerialSpec spec = *transport::ParseSerialSpec(*args.modbus_rtu);
    auto link = transport::ClientLink::OpenSerial(spec.device, SerialSettingsOf(spec));
    if (!link.ok()) return link.status();
    return std::make_unique<ModbusMaster>(std::move(*link), modbus::ClientFraming::kRtu, options);
  }
  const bool mbap = args.modbus_tcp.has_value();
  const auto endpoint = *transport::ParseTcpEndpoint(mbap ? *args.modbus_tcp : *args.rtu_over_tcp);
  auto link = transport::ClientLink::ConnectTcp(endpoint, timeout);
  if (!link.ok()) return link.status();
  return std::make_unique<ModbusMaster>(
      std::move(*link), mbap ? modbus::ClientFraming::kTcp : modbus::ClientFraming::kRtu, options);
}

}  // namespace pro380::app
