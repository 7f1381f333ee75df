// Modbus application protocol vocabulary (Modbus Application Protocol Specification V1.1b3):
// the PDU that both framings (RTU and MBAP) carry, function codes and exception codes.
// DO NOT CHANGE the numeric values: they are the wire format.
#ifndef PRO380_PROTOCOL_MODBUS_PDU_H_
#define PRO380_PROTOCOL_MODBUS_PDU_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pro380::modbus {

enum class FunctionCode : uint8_t {
  kReadHoldingRegisters = 0x03,
  kReadInputRegisters = 0x04,
  kWriteSingleRegister = 0x06,
  kDiagnostics = 0x08,
  kWriteMultipleRegisters = 0x10,
};

// Returned as function | 0x80 followed by this code.
enum class ExceptionCode : uint8_t {
  kIllegalFunction = 0x01,
  kIllegalDataAddress = 0x02,
  kIllegalDataValue = 0x03,
  kServerDeviceFailure = 0x04,
};

// A protocol data unit: the function code byte and the data that follows it, without address,
// CRC or MBAP header.
struct Pdu {
  uint8_t function = 0;
  std::vector<uint8_t> data;

  friend bool operator==(const Pdu&, const Pdu&) = default;
};

// The largest PDU (Modbus spec §4.1: 256-byte RTU ADU minus address and CRC).
inline constexpr std::size_t kMaxPduSize = 253;

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_PDU_H_
