// The Modbus server (Modbus Application Protocol V1.1b3, the subset in docs/protocols/modbus.md):
// one handler per function code behind a short dispatcher, turning a request PDU into a
// response PDU, an exception PDU, or no reply. It reaches the meter only through a RegisterBank.
// Framing (RTU, MBAP) is the caller's; the server sees PDUs and the address they were sent to.
//
// Thread safety: none; one server per meter, driven from one thread.
#ifndef PRO380_PROTOCOL_MODBUS_SERVER_H_
#define PRO380_PROTOCOL_MODBUS_SERVER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <variant>

#include "protocol/modbus/pdu.h"
#include "protocol/modbus/register_bank.h"

namespace pro380::modbus {

inline constexpr uint8_t kBroadcastAddress = 0;

struct ServerOptions {
  uint8_t unit_id = 1;  // the meter's address, 1..247; requests to other addresses are ignored
};

// The serial line diagnostic counters FC08 reports (Modbus over serial line V1.02 §6.1.1,
// application protocol §6.8.1). 16 bits each, wrapping; cleared by FC08 0x000A.
struct DiagnosticCounters {
  uint16_t bus_messages = 0;        // 0x0B: good frames seen on the bus, for any address
  uint16_t bus_errors = 0;          // 0x0C: frames dropped for CRC, length or an inner gap
  uint16_t exception_errors = 0;    // 0x0D: exception responses sent
  uint16_t server_messages = 0;     // 0x0E: requests to this address or broadcast, processed
  uint16_t server_no_response = 0;  // 0x0F: of those, answered with nothing (broadcasts)
  uint16_t server_nak = 0;          // 0x10: always 0 (no NAK exception, no programming)
  uint16_t server_busy = 0;         // 0x11: always 0 (never busy)
  uint16_t bus_overrun = 0;         // 0x12: always 0 (software has no UART overrun to count)
};

// Everything the server did since it was made; never cleared (for the CLI and web views).
struct ServerCounters {
  uint64_t requests = 0;                         // PDUs addressed to us or broadcast
  uint64_t replies = 0;                          // normal responses sent
  uint64_t exceptions = 0;                       // exception responses sent
  std::array<uint64_t, 5> exceptions_by_code{};  // index = ExceptionCode value (1..4)
  uint64_t broadcast_writes = 0;                 // broadcast writes executed (no reply)
  uint64_t broadcast_rejected = 0;               // broadcast writes the bank refused (no reply)
  uint64_t broadcast_ignored = 0;                // broadcast requests other than writes (no effect)
  uint64_t other_address = 0;                    // requests for another address (not answered)
};

class Server {
 public:
  // `bank` must outlive the server.
  Server(RegisterBank& bank, ServerOptions options);

  // The response to `request` sent to `context.unit_id`: a normal response, an exception
  // response (function | 0x80, code), or nullopt when nothing is to be sent (broadcast, another
  // address). Writes reach the bank with `context`.
  std::optional<Pdu> Handle(const Pdu& request, const WriteContext& context);

  // The framer's view of the bus, for FC08 0x0B and 0x0C: call once per delimited frame.
  void CountBusFrame(bool good);

  // The address takes effect for the next request (an ID change is applied after its reply).
  void set_unit_id(uint8_t unit_id) { options_.unit_id = unit_id; }
  uint8_t unit_id() const { return options_.unit_id; }

  const ServerCounters& counters() const { return counters_; }
  const DiagnosticCounters& diagnostics() const { return diagnostics_; }

 private:
  // The reply to a request for this address or broadcast; an exception is a value here.
  using Outcome = std::variant<Pdu, ExceptionCode>;

  Outcome Dispatch(const Pdu& request, const WriteContext& context);
  Outcome HandleReadRegisters(FunctionCode function, const Pdu& request);
  Outcome HandleWriteSingleRegister(const Pdu& request, const WriteContext& context);
  Outcome HandleWriteMultipleRegisters(const Pdu& request, const WriteContext& context);
  Outcome HandleDiagnostics(const Pdu& request);
  std::optional<Pdu> HandleBroadcast(const Pdu& request, const WriteContext& context);

  RegisterBank& bank_;
  ServerOptions options_;
  ServerCounters counters_;
  DiagnosticCounters diagnostics_;
};

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_SERVER_H_
