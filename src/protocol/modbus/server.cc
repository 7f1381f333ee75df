#include "protocol/modbus/server.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace pro380::modbus {
namespace {

constexpr uint8_t kExceptionFlag = 0x80;

// Limits of the application protocol (V1.1b3 §6.3, §6.4, §6.12).
constexpr uint16_t kMaxReadQuantity = 125;   // 0x007D
constexpr uint16_t kMaxWriteQuantity = 123;  // 0x007B

// FC08 sub-functions served (§6.8.1).
constexpr uint16_t kReturnQueryData = 0x0000;
constexpr uint16_t kClearCounters = 0x000A;
constexpr uint16_t kFirstCounter = 0x000B;  // Return Bus Message Count
constexpr uint16_t kLastCounter = 0x0012;   // Return Bus Character Overrun Count

uint16_t Word(const std::vector<uint8_t>& data, std::size_t offset) {
  return static_cast<uint16_t>((data[offset] << 8) | data[offset + 1]);
}

void AppendWord(std::vector<uint8_t>& out, uint16_t word) {
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word & 0xFF));
}

// The range [address, address + quantity) must lie inside the 16-bit register space.
bool RangeFits(uint16_t address, uint16_t quantity) {
  return static_cast<uint32_t>(address) + quantity <= 0x10000;
}

bool IsWrite(uint8_t function) {
  return function == static_cast<uint8_t>(FunctionCode::kWriteSingleRegister) ||
         function == static_cast<uint8_t>(FunctionCode::kWriteMultipleRegisters);
}

}  // namespace

Server::Server(RegisterBank& bank, ServerOptions options) : bank_(bank), options_(options) {}

void Server::CountBusFrame(bool good) {
  if (good) {
    ++diagnostics_.bus_messages;
  } else {
    ++diagnostics_.bus_errors;
  }
}

std::optional<Pdu> Server::Handle(const Pdu& request, const WriteContext& context) {
  if (context.unit_id == kBroadcastAddress) return HandleBroadcast(request, context);
  if (context.unit_id != options_.unit_id) {
    ++counters_.other_address;
    return std::nullopt;
  }
  ++counters_.requests;
  ++diagnostics_.server_messages;
  Outcome outcome = Dispatch(request, context);
  if (auto* response = std::get_if<Pdu>(&outcome)) {
    ++counters_.replies;
    return std::move(*response);
  }
  const ExceptionCode code = std::get<ExceptionCode>(outcome);
  const auto index = static_cast<std::size_t>(code);
  ++counters_.exceptions;
  if (index < counters_.exceptions_by_code.size()) ++counters_.exceptions_by_code[index];
  ++diagnostics_.exception_errors;
  return Pdu{static_cast<uint8_t>(request.function | kExceptionFlag), {static_cast<uint8_t>(code)}};
}

// Serial line spec §2.1: "broadcast requests are necessarily writing commands"; "no response is
// returned to broadcast requests". Reads and diagnostics sent to address 0 have no effect.
std::optional<Pdu> Server::HandleBroadcast(const Pdu& request, const WriteContext& context) {
  ++counters_.requests;
  ++diagnostics_.server_messages;
  ++diagnostics_.server_no_response;
  if (!IsWrite(request.function)) {
    ++counters_.broadcast_ignored;
    return std::nullopt;
  }
  const Outcome outcome = Dispatch(request, context);
  if (std::holds_alternative<Pdu>(outcome)) {
    ++counters_.broadcast_writes;
  } else {
    ++counters_.broadcast_rejected;
  }
  return std::nullopt;
}

// §7: a function code the server does not implement is answered with exception 01.
Server::Outcome Server::Dispatch(const Pdu& request, const WriteContext& context) {
  switch (static_cast<FunctionCode>(request.function)) {
    case FunctionCode::kReadHoldingRegisters:
    case FunctionCode::kReadInputRegisters:
      return HandleReadRegisters(static_cast<FunctionCode>(request.function), request);
    case FunctionCode::kWriteSingleRegister:
      return HandleWriteSingleRegister(request, context);
    case FunctionCode::kWriteMultipleRegisters:
      return HandleWriteMultipleRegisters(request, context);
    case FunctionCode::kDiagnostics:
      return HandleDiagnostics(request);
  }
  return ExceptionCode::kIllegalFunction;
}

// FC03 Read Holding Registers / FC04 Read Input Registers (§6.3, §6.4).
//   Request:  starting address (2 bytes), quantity of registers (2 bytes, 1 to 125)
//   Response: byte count (1 byte, 2 × N), register values (N × 2 bytes, high byte first)
//   "quantity of registers" not in 1..0x007D → 03; starting address + quantity not all valid
//   → 02; the read fails → 04.
Server::Outcome Server::HandleReadRegisters(FunctionCode function, const Pdu& request) {
  if (request.data.size() != 4) return ExceptionCode::kIllegalDataValue;
  const uint16_t address = Word(request.data, 0);
  const uint16_t quantity = Word(request.data, 2);
  if (quantity < 1 || quantity > kMaxReadQuantity) return ExceptionCode::kIllegalDataValue;
  if (!RangeFits(address, quantity)) return ExceptionCode::kIllegalDataAddress;
  std::vector<uint16_t> words(quantity);
  if (const auto exception = bank_.Read(function, address, words)) return *exception;
  Pdu response{request.function, {}};
  response.data.reserve(1 + 2 * quantity);
  response.data.push_back(static_cast<uint8_t>(2 * quantity));
  for (const uint16_t word : words) AppendWord(response.data, word);
  return response;
}

// FC06 Write Single Register (§6.6).
//   Request:  register address (2 bytes), register value (2 bytes)
//   Response: an echo of the request, "returned after the register contents have been written"
//   Any 16-bit value is well-formed; the bank answers 02 (not writable) or 03 (value refused).
Server::Outcome Server::HandleWriteSingleRegister(const Pdu& request, const WriteContext& context) {
  if (request.data.size() != 4) return ExceptionCode::kIllegalDataValue;
  const uint16_t address = Word(request.data, 0);
  const uint16_t value = Word(request.data, 2);
  if (const auto exception = bank_.Write(address, std::span(&value, 1), context)) {
    return *exception;
  }
  return request;
}

// FC10 Write Multiple Registers (§6.12).
//   Request:  starting address (2), quantity of registers (2, 1 to 0x007B), byte count (1,
//             2 × N), registers value (N × 2 bytes)
//   Response: starting address (2), quantity of registers (2)
//   Quantity not in 1..0x007B or byte count ≠ 2 × quantity → 03; range outside the map → 02.
Server::Outcome Server::HandleWriteMultipleRegisters(const Pdu& request,
                                                     const WriteContext& context) {
  if (request.data.size() < 5) return ExceptionCode::kIllegalDataValue;
  const uint16_t address = Word(request.data, 0);
  const uint16_t quantity = Word(request.data, 2);
  const uint8_t byte_count = request.data[4];
  if (quantity < 1 || quantity > kMaxWriteQuantity || byte_count != 2 * quantity ||
      request.data.size() != 5u + byte_count) {
    return ExceptionCode::kIllegalDataValue;
  }
  if (!RangeFits(address, quantity)) return ExceptionCode::kIllegalDataAddress;
  std::vector<uint16_t> words(quantity);
  for (std::size_t i = 0; i < quantity; ++i) words[i] = Word(request.data, 5 + 2 * i);
  if (const auto exception = bank_.Write(address, words, context)) return *exception;
  return Pdu{request.function, {request.data.begin(), request.data.begin() + 4}};
}

// FC08 Diagnostics (§6.8, serial line only).
//   Request:  sub-function (2 bytes), data (N × 2 bytes)
//   0x0000 Return Query Data: "the data passed in the request data field is to be returned
//          (looped back) in the response"; the entire response equals the request.
//   0x000A Clear Counters and Diagnostic Register: data 0x0000; echoes the request.
//   0x000B … 0x0012 the eight counters (bus message, bus communication error, exception error,
//          server message, no response, NAK, busy, character overrun): data 0x0000; the
//          response is the sub-function and the counter's value.
//   Other sub-functions are not implemented → 01; a counter request whose data is not 0x0000
//   → 03.
Server::Outcome Server::HandleDiagnostics(const Pdu& request) {
  if (request.data.size() < 2) return ExceptionCode::kIllegalDataValue;
  const uint16_t sub_function = Word(request.data, 0);
  if (sub_function == kReturnQueryData) return request;
  if (sub_function != kClearCounters &&
      (sub_function < kFirstCounter || sub_function > kLastCounter)) {
    return ExceptionCode::kIllegalFunction;
  }
  if (request.data.size() != 4 || Word(request.data, 2) != 0) {
    return ExceptionCode::kIllegalDataValue;
  }
  if (sub_function == kClearCounters) {
    diagnostics_ = DiagnosticCounters{};
    return request;
  }
  const std::array<uint16_t, 8> values = {
      diagnostics_.bus_messages,    diagnostics_.bus_errors,         diagnostics_.exception_errors,
      diagnostics_.server_messages, diagnostics_.server_no_response, diagnostics_.server_nak,
      diagnostics_.server_busy,     diagnostics_.bus_overrun,
  };
  Pdu response{request.function, {}};
  AppendWord(response.data, sub_function);
  AppendWord(response.data, values[sub_function - kFirstCounter]);
  return response;
}

}  // namespace pro380::modbus
