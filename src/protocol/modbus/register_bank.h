// RegisterBank: how the Modbus server reaches the meter's registers. The protocol layer knows no
// addresses of any device; device/ implements this interface for the PRO380 (its register maps
// and settings) and the server turns the outcomes into replies or exceptions.
#ifndef PRO380_PROTOCOL_MODBUS_REGISTER_BANK_H_
#define PRO380_PROTOCOL_MODBUS_REGISTER_BANK_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/time.h"
#include "protocol/modbus/pdu.h"

namespace pro380::modbus {

// Who is writing, for the device's event log ("every accepted write is logged") and for
// settings that take effect after the reply (ID, baud, parity).
struct WriteContext {
  std::string_view interface;  // "modbus-rtu", "modbus-tcp", "rtu-over-tcp"
  std::string_view client;     // peer address or line name
  uint8_t unit_id = 0;         // the address the request was sent to (0 = broadcast)
  TimePoint now{};
};

class RegisterBank {
 public:
  virtual ~RegisterBank() = default;

  // Fills `out` with the `out.size()` registers from `address` on (1 ≤ size ≤ 125, checked by
  // the server). `function` is FC03 or FC04 (a bank may serve both the same). Returns nullopt,
  // or the exception to answer: kIllegalDataAddress when any register of the range is unmapped.
  virtual std::optional<ExceptionCode> Read(FunctionCode function, uint16_t address,
                                            std::span<uint16_t> out) = 0;

  // Writes `words` from `address` on (FC06: one word, FC10: 1 ≤ size ≤ 123). All or nothing:
  // kIllegalDataAddress when a register is not writable, kIllegalDataValue for a value the
  // setting does not allow or a setting that is locked (or sealed); nothing changes then.
  virtual std::optional<ExceptionCode> Write(uint16_t address, std::span<const uint16_t> words,
                                             const WriteContext& context) = 0;
};

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_REGISTER_BANK_H_
