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

// How the last transaction failed, for callers that treat "nobody there" apart (scan).
enum class TransactionFailure : uint8_t {
  kNone,
  kNoReply,   // timed out after every attempt
  kRefused,   // an exception reply
  kBadReply,  // a malformed reply, or only garbled bytes until the timeout (a collision)
  kLink,      // the link failed (connection closed, device error)
};

class ModbusMaster {
 public:
  ModbusMaster(std::unique_ptr<transport::ClientLink> link, modbus::ClientFraming framing,
               modbus::ClientOptions options);

  // The words of `count` registers from `start` of `unit` (FC03). Errors name the link, the ID
  // and the request: IoError for no reply, a malformed one or a broken link; FailedPrecondition
  // for an exception reply (the meter refused).
  Result<std::vector<uint16_t>> ReadHolding(uint8_t unit, uint16_t start, uint16_t count);
  // The words of `count` input registers from `start` of `unit` (FC04); errors as ReadHolding's.
  Result<std::vector<uint16_t>> ReadInput(uint8_t unit, uint16_t start, uint16_t count);
  // Writes `words` from `start` (FC10); errors as ReadHolding's.
  Status WriteMultiple(uint8_t unit, uint16_t start, std::span<const uint16_t> words);

  TransactionFailure last_failure() const { return last_failure_; }
  const modbus::ClientCounters& counters() const { return client_.counters(); }
  const std::string& name() const { return link_->name(); }
  transport::ClientLink& link() { return *link_; }

 private:
  // The reply PDU (not an exception), or the error in words.
  Result<modbus::Pdu> Transact(uint8_t unit, const modbus::Pdu& request, const std::string& what);
  Result<std::vector<uint16_t>> Read(uint8_t unit, const modbus::Pdu& request,
                                     const std::string& what);

  std::unique_ptr<transport::ClientLink> link_;
  modbus::ClientOptions options_;
  modbus::ClientFraming framing_;
  modbus::ModbusClient client_;
  TransactionFailure last_failure_ = TransactionFailure::kNone;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_MASTER_H_
