#include "app/mbus_endpoint.h"

#include "transport/endpoint.h"

namespace pro380::app {

void AddMbusEndpointOptions(CLI::App& cmd, MbusEndpointArgs& args, bool with_secondary) {
  cmd.add_option("--mbus", args.serial,
                 "M-Bus level converter DEV[:BAUD[:PARITY]] (default 9600, E: the PRO380-Mb's)");
  cmd.add_option("--mbus-tcp", args.tcp, "M-Bus frames over TCP ADDR:PORT (a gateway)");
  if (with_secondary) {
    cmd.add_option("--secondary", args.secondary,
                   "M-Bus: select the meter by its 8-digit secondary address, then read at 253");
    cmd.add_option("--fabrication-number", args.fabrication,
                   "M-Bus: enhanced selection by the fabrication number (8 digits, F for any), "
                   "alone or with --secondary");
    cmd.add_flag("--mode2", args.mode2,
                 "M-Bus: select with CI 56 (ID and manufacturer high byte first)");
  }
  args.id_option = cmd.get_option_no_throw("--id");
}

bool MbusGiven(const MbusEndpointArgs& args) {
  return args.serial.has_value() || args.tcp.has_value();
}

std::string DescribeMbusEndpoint(const MbusEndpointArgs& args) {
  if (args.serial) return "--mbus " + *args.serial;
  if (args.tcp) return "--mbus-tcp " + *args.tcp;
  return "";
}

int MbusPrimaryAddress(const MbusEndpointArgs& args, int id) {
  const bool given = args.id_option != nullptr && args.id_option->count() > 0;
  return given ? id : kDefaultMbusPrimaryAddress;
}

Status ValidateMbusOptions(const MbusEndpointArgs& args, int id) {
  if (args.serial && args.tcp) {
    return Status::InvalidArgument("give one of --mbus DEV[:BAUD[:PARITY]], --mbus-tcp ADDR:PORT");
  }
  const int primary = MbusPrimaryAddress(args, id);
  if (primary < 0 || primary > mbus::kMaxPrimaryAddress) {
    return Status::InvalidArgument("--id " + std::to_string(primary) +
                                   " must be an M-Bus primary address 0..250");
  }
  const bool id_given = args.id_option != nullptr && args.id_option->count() > 0;
  if (args.fabrication) {
    if (id_given) return Status::InvalidArgument("give --id or --fabrication-number, not both");
    if (!mbus::SecondaryMask::DigitsFromText(*args.fabrication)) {
      return Status::InvalidArgument("--fabrication-number '" + *args.fabrication +
                                     "' must be 8 characters, each a digit or F (any digit)");
    }
  }
  if (args.mode2 && !args.secondary && !args.fabrication) {
    return Status::InvalidArgument(
        "--mode2 selects by secondary address: give --secondary or --fabrication-number");
  }
  if (args.secondary) {
    if (id_given) return Status::InvalidArgument("give --id or --secondary, not both");
    const std::string& text = *args.secondary;
    const bool digits =
        text.size() == 8 && text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits && !mbus::SecondaryMask::FromFullText(text)) {
      return Status::InvalidArgument(
          "--secondary '" + text +
          "' must be 8 digits, or a mask of 16 characters IDIDIDIDMMMMVVMM (libmbus's form: 8 "
          "ID digits or F, then manufacturer, version, medium in hex as sent, e.g. "
          "FFFFFFFFCD25FF02; F, FFFF, FF match any)");
    }
  }
  if (args.tcp) {
    auto endpoint = transport::ParseTcpEndpoint(*args.tcp);
    if (!endpoint.ok()) return endpoint.status().WithContext("--mbus-tcp");
    if (endpoint->port == 0) return Status::InvalidArgument("--mbus-tcp: port 0 is no endpoint");
    return Status::Ok();
  }
  auto spec = transport::ParseSerialSpec(*args.serial);
  if (!spec.ok()) return spec.status().WithContext("--mbus");
  if (spec->pty) {
    return Status::InvalidArgument(
        "--mbus: a client opens an existing device path; give the pty's link path without "
        "'pty:'");
  }
  return Status::Ok();
}

std::optional<mbus::SecondaryMask> MbusSecondary(const MbusEndpointArgs& args) {
  if (!args.secondary && !args.fabrication) return std::nullopt;
  std::optional<mbus::SecondaryMask> mask = mbus::SecondaryMask();
  if (args.secondary) {
    mask = args.secondary->size() == 16 ? mbus::SecondaryMask::FromFullText(*args.secondary)
                                        : mbus::SecondaryMask::FromText(*args.secondary);
  }
  if (args.fabrication) mask->fabrication = mbus::SecondaryMask::DigitsFromText(*args.fabrication);
  mask->mode2 = args.mode2;
  return mask;
}

Result<std::unique_ptr<MbusMaster>> OpenMbusMaster(const MbusEndpointArgs& args, Duration timeout,
                                                   int retries) {
  mbus::ClientOptions options;
  options.timeout = timeout;
  options.retries = retries;
  if (args.serial) {
    const transport::SerialSpec spec = *transport::ParseSerialSpec(*args.serial);
    transport::SerialSettings settings;  // the PRO380-Mb's 9600 8E1 (manual appendix 2)
    if (spec.baud) settings.baud = *spec.baud;
    if (spec.parity) settings.parity = *spec.parity;
    auto link = transport::ClientLink::OpenSerial(spec.device, settings);
    if (!link.ok()) return link.status();
    return std::make_unique<MbusMaster>(std::move(*link), options);
  }
  auto link = transport::ClientLink::ConnectTcp(*transport::ParseTcpEndpoint(*args.tcp), timeout);
  if (!link.ok()) return link.status();
  return std::make_unique<MbusMaster>(std::move(*link), options);
}

}  // namespace pro380::app
