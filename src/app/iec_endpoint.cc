#include "app/iec_endpoint.h"

#include <algorithm>

#include "protocol/iec62056/frames.h"
#include "transport/endpoint.h"

namespace pro380::app {
namespace {

constexpr int kSignOnBaud = 300;  // §6.3.14: every session starts at 300 baud

bool IsStandardBaud(uint32_t baud) {
  return std::ranges::find(iec62056::kBaudTable, static_cast<int>(baud)) !=
         std::end(iec62056::kBaudTable);
}

}  // namespace

void AddIecEndpointOptions(CLI::App& cmd, IecEndpointArgs& args) {
  cmd.add_option("--iec", args.device,
                 "optical port: IR head's serial device DEV[:BAUD] (BAUD: sign-on rate, 300)");
  cmd.add_option("--iec-tcp", args.tcp, "optical port characters over TCP ADDR:PORT");
  cmd.add_option("--iec-address", args.address,
                 "optical port: device address of the sign-on (the PRO380's serial; default "
                 "none = any meter)");
  cmd.add_option("--max-baud", args.max_baud,
                 "optical port: fastest rate to select, 300..19200 (default 9600)");
}

bool IecGiven(const IecEndpointArgs& args) { return args.device || args.tcp; }

std::string DescribeIecEndpoint(const IecEndpointArgs& args) {
  if (args.device) return "--iec " + *args.device;
  if (args.tcp) return "--iec-tcp " + *args.tcp;
  return "";
}

Status ValidateIecEndpoint(const IecEndpointArgs& args) {
  if (!IsStandardBaud(static_cast<uint32_t>(std::max(args.max_baud, 0)))) {
    return Status::InvalidArgument("--max-baud " + std::to_string(args.max_baud) +
                                   " must be one of 300, 600, 1200, 2400, 4800, 9600, 19200");
  }
  if (args.address.size() > 32 ||
      args.address.find_first_not_of(
          "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ") != std::string::npos) {
    return Status::InvalidArgument("--iec-address '" + args.address +
                                   "' must be at most 32 characters of 0-9, A-Z, a-z, space");
  }
  if (args.tcp) {
    auto endpoint = transport::ParseTcpEndpoint(*args.tcp);
    if (!endpoint.ok()) return endpoint.status().WithContext("--iec-tcp");
    if (endpoint->port == 0) return Status::InvalidArgument("--iec-tcp: port 0 is no endpoint");
    return Status::Ok();
  }
  auto spec = transport::ParseSerialSpec(*args.device);
  if (!spec.ok()) return spec.status().WithContext("--iec");
  if (spec->pty) {
    return Status::InvalidArgument(
        "--iec: a client opens an existing device path; give the pty's link path without 'pty:'");
  }
  if (spec->parity) {
    return Status::InvalidArgument("--iec '" + *args.device +
                                   "': the optical port is 7E1; give DEV or DEV:BAUD");
  }
  if (spec->baud && !IsStandardBaud(*spec->baud)) {
    return Status::InvalidArgument("--iec '" + *args.device +
                                   "': the sign-on rate must be one of 300, 600, 1200, 2400, "
                                   "4800, 9600, 19200");
  }
  return Status::Ok();
}

Result<std::unique_ptr<IecMaster>> OpenIecMaster(const IecEndpointArgs& args, Duration timeout) {
  iec62056::ClientOptions options;
  options.timeout = timeout;
  options.max_baud = args.max_baud;
  const std::string where = DescribeIecEndpoint(args);
  if (args.tcp) {
    auto link = transport::ClientLink::ConnectTcp(*transport::ParseTcpEndpoint(*args.tcp), timeout);
    if (!link.ok()) return link.status();
    return std::make_unique<IecMaster>(std::move(*link), options, kSignOnBaud, where);
  }
  const transport::SerialSpec spec = *transport::ParseSerialSpec(*args.device);
  const uint32_t sign_on = spec.baud.value_or(kSignOnBaud);
  // 7E1 is carried as 8N1 with the parity bit computed by the engine (frames.h).
  auto link = transport::ClientLink::OpenSerial(
      spec.device, transport::SerialSettings{sign_on, transport::SerialParity::kNone, 1});
  if (!link.ok()) return link.status();
  options.parity_on_line = (*link)->is_serial_line();
  return std::make_unique<IecMaster>(std::move(*link), options, sign_on, where);
}

}  // namespace pro380::app
