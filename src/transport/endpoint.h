// Where an interface listens or which line it opens, parsed once at the edge from the command
// line or the config file (product.md, "interface options").
//
// - `ADDR:PORT`: an IPv4 address, `[IPv6]`, or `localhost`, and a port 0..65535 (0 = any free
//   port, for tests). There is no default address: the caller decides (loopback, product.md).
// - `DEV[:BAUD[:PARITY]]`: a serial device path or `pty:PATH`, an optional baud rate and an
//   optional parity E, N or O (8 data bits, 1 stop bit; 2 stop bits with N would be 8N2, which
//   no PRO380 offers).
#ifndef PRO380_TRANSPORT_ENDPOINT_H_
#define PRO380_TRANSPORT_ENDPOINT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pro380::transport {

struct TcpEndpoint {
  std::string address;  // numeric IPv4 or IPv6 (no brackets); "localhost" becomes 127.0.0.1
  uint16_t port = 0;

  friend bool operator==(const TcpEndpoint&, const TcpEndpoint&) = default;
};

enum class SerialParity : uint8_t { kNone, kEven, kOdd };

struct SerialSettings {
  uint32_t baud = 9600;
  SerialParity parity = SerialParity::kEven;
  uint8_t stop_bits = 1;

  friend bool operator==(const SerialSettings&, const SerialSettings&) = default;
};

// The baud rates a serial line can be opened at (termios has no others).
inline constexpr uint32_t kSerialBauds[] = {300,   600,   1200,  2400,   4800,  9600,
                                            19200, 38400, 57600, 115200, 230400};

struct SerialSpec {
  std::string device;  // a device path, or the link path of a pty when `pty` is true
  bool pty = false;
  std::optional<uint32_t> baud;  // as written; nullopt = the meter's own setting
  std::optional<SerialParity> parity;

  friend bool operator==(const SerialSpec&, const SerialSpec&) = default;
};

// InvalidArgument naming what is wrong and what is allowed.
Result<TcpEndpoint> ParseTcpEndpoint(std::string_view text);
Result<SerialSpec> ParseSerialSpec(std::string_view text);

std::string ToString(const TcpEndpoint& endpoint);     // "127.0.0.1:1502", "[::1]:1502"
char ParityLetter(SerialParity parity);                // 'N', 'E', 'O'
std::string ToString(const SerialSettings& settings);  // "9600 8E1"

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_ENDPOINT_H_
