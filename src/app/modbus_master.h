// ModbusMaster: the blocking Modbus client `pro380 read`, `write` and `scan` use: a ClientLink
// (transport/) driven by the sans-I/O ModbusClient (protocol/modbus/client.h) with the host's
// monotonic clock. One transaction at a time.
#ifndef PRO380_APP_MODBUS_MASTER_H_
#define PRO380_APP_MODBUS_MASTER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "protocol/modbus/client.h"
#include "transport/client_link.h"

namespace pro380::app {

class ModbusMaster {
 public:
  ModbusMaster(std::unique_ptr<transport::ClientLink> link, modbus::ClientFraming framing,
               modbus::ClientOptions options);

  // The words of `count` registers from `start` of `unit` (FC03). Errors name the link, the ID
  // and the request: IoError for no reply, a malformed one or a broken link; FailedPrecondition
  // for an exception reply (the meter refused).
  Result<std::vector<uint16_t>> ReadHolding(uint8_t unit, uint16_t start, uint16_t count);
  // Writes `words` from `start` (FC10); errors as ReadHolding's.
  Status WriteMultiple(uint8_t unit, uint16_t start, std::span<const uint16_t> words);

  const modbus::ClientCounters& counters() const { return client_.counters(); }
  const std::string& name() const { return link_->name(); }

 private:
  // The reply PDU (not an exception), or the error in words.
  Result<modbus::Pdu> Transact(uint8_t unit, const modbus::Pdu& request, const std::string& what);

  std::unique_ptr<transport::ClientLink> link_;
  modbus::ClientOptions options_;
  modbus::ClientFraming framing_;
  modbus::ModbusClient client_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_MASTER_H_
