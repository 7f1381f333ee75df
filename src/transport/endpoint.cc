#include "transport/endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace pro380::transport {
namespace {

std::optional<uint32_t> ParseNumber(std::string_view text) {
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

bool IsIpv4(const std::string& text) {
  in_addr out{};
  return inet_pton(AF_INET, text.c_str(), &out) == 1;
}

bool IsIpv6(const std::string& text) {
  in6_addr out{};
  return inet_pton(AF_INET6, text.c_str(), &out) == 1;
}

std::string BaudList() {
  std::string list;
  for (uint32_t baud : kSerialBauds) list += (list.empty() ? "" : " ") + std::to_string(baud);
  return list;
}

}  // namespace

Result<TcpEndpoint> ParseTcpEndpoint(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "': " + why +
                                   "; expected ADDR:PORT, e.g. 127.0.0.1:1502 or [::1]:1502");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("no port");
  std::string address(text.substr(0, colon));
  const std::optional<uint32_t> port = ParseNumber(text.substr(colon + 1));
  if (!port || *port > 65535) return bad("the port must be a number 0..65535");
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
    if (!IsIpv6(address)) return bad("'" + address + "' is not an IPv6 address");
  } else if (address == "localhost") {
    address = "127.0.0.1";
  } else if (!IsIpv4(address)) {
    return bad("'" + address + "' is not an IPv4 address (IPv6 goes in brackets)");
  }
  return TcpEndpoint{address, static_cast<uint16_t>(*port)};
}

Result<SerialSpec> ParseSerialSpec(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("'" + std::string(text) + "': " + why +
                                   "; expected DEV[:BAUD[:PARITY]] or pty:PATH[:BAUD[:PARITY]], "
                                   "BAUD one of " +
                                   BaudList() + ", PARITY E, N or O");
  };
  SerialSpec spec;
  std::string_view rest = text;
  if (rest.starts_with("pty:")) {
    spec.pty = true;
    rest.remove_prefix(4);
  }
  // The device is everything up to the first ':' after it (device paths have no colons).
  const size_t colon = rest.find(':');
  spec.device = std::string(rest.substr(0, colon));
  if (spec.device.empty()) return bad(spec.pty ? "no pty link path" : "no device");
  if (colon == std::string_view::npos) return spec;
  rest.remove_prefix(colon + 1);
  const size_t second = rest.find(':');
  const std::optional<uint32_t> baud = ParseNumber(rest.substr(0, second));
  if (!baud || std::find(std::begin(kSerialBauds), std::end(kSerialBauds), *baud) ==
                   std::end(kSerialBauds)) {
    return bad("'" + std::string(rest.substr(0, second)) + "' is not a baud rate");
  }
  spec.baud = *baud;
  if (second == std::string_view::npos) return spec;
  const std::string_view parity = rest.substr(second + 1);
  if (parity == "E" || parity == "e") {
    spec.parity = SerialParity::kEven;
  } else if (parity == "N" || parity == "n") {
    spec.parity = SerialParity::kNone;
  } else if (parity == "O" || parity == "o") {
    spec.parity = SerialParity::kOdd;
  } else {
    return bad("'" + std::string(parity) + "' is not a parity");
  }
  return spec;
}

std::string ToString(const TcpEndpoint& endpoint) {
  const bool v6 = endpoint.address.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.address + "]" : endpoint.address) + ":" +
         std::to_string(endpoint.port);
}

char ParityLetter(SerialParity parity) {
  switch (parity) {
    case SerialParity::kNone:
      return 'N';
    case SerialParity::kEven:
      return 'E';
    case SerialParity::kOdd:
      return 'O';
  }
  return '?';
}

std::string ToString(const SerialSettings& settings) {
  return std::to_string(settings.baud) + " 8" + std::string(1, ParityLetter(settings.parity)) +
         std::to_string(settings.stop_bits);
}

}  // namespace pro380::transport
