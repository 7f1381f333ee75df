// MbusMaster: the blocking M-Bus client `pro380 read`, `write` and `scan` use with --mbus and
// --mbus-tcp: a ClientLink (transport/) driven by the sans-I/O MbusClient
// (protocol/mbus/client.h) with the host's monotonic clock. One operation at a time.
#ifndef PRO380_APP_MBUS_MASTER_H_
#define PRO380_APP_MBUS_MASTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/modbus_master.h"
#include "base/status.h"
#include "protocol/mbus/client.h"
#include "transport/client_link.h"

namespace pro380::app {

class MbusMaster {
 public:
  MbusMaster(std::unique_ptr<transport::ClientLink> link, mbus::ClientOptions options);

  // SND_NKE to `address` (E5). `detect_collision`: listen after the E5 (a primary scan).
  Status Reset(uint8_t address, bool detect_collision = false);
  // Every telegram of a readout at `address` (a primary address, or 253 after Select).
  Result<mbus::Readout> ReadOut(uint8_t address);
  // Selects by secondary address; the one matching meter answers E5.
  Status Select(const mbus::SecondaryMask& mask);
  // SND_UD with `ci` and `data` to `address` (E5).
  Status Send(uint8_t address, uint8_t ci, std::vector<uint8_t> data);

  // How the last operation failed (kRefused is not used: M-Bus acknowledges refusals).
  TransactionFailure last_failure() const { return last_failure_; }
  const mbus::ClientCounters& counters() const { return client_.counters(); }
  const std::string& name() const { return link_->name(); }
  // The link, for switching a serial line's rate after a baud rate write.
  transport::ClientLink& link() { return *link_; }

 private:
  // The outcome of `operation`, or the error in words naming the link, address and request.
  Result<mbus::ClientOutcome> Run(const mbus::Operation& operation, const std::string& what);

  std::unique_ptr<transport::ClientLink> link_;
  mbus::ClientOptions options_;
  mbus::MbusClient client_;
  TransactionFailure last_failure_ = TransactionFailure::kNone;
};

// "primary address 5", "the selected meter (253)", "secondary address 12FFFFFF".
std::string DescribeMbusAddress(uint8_t address);

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_MASTER_H_
