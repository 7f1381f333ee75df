#include "app/mbus_master.h"

#include "transport/monotonic_clock.h"

namespace pro380::app {

std::string DescribeMbusAddress(uint8_t address) {
  if (address == mbus::kAddressSecondary) return "the selected meter (address 253)";
  return "primary address " + std::to_string(address);
}

MbusMaster::MbusMaster(std::unique_ptr<transport::ClientLink> link, mbus::ClientOptions options)
    : link_(std::move(link)), options_(options), client_(options) {}

Result<mbus::ClientOutcome> MbusMaster::Run(const mbus::Operation& operation,
                                            const std::string& what) {
  const std::string where =
      (operation.kind == mbus::OperationKind::kSelect ? "secondary address " + operation.mask.Text()
                                                      : DescribeMbusAddress(operation.address)) +
      " at " + link_->name();
  last_failure_ = TransactionFailure::kLink;  // until the operation ends otherwise
  link_->DiscardInput();  // a late reply to an abandoned request is not this one's
  std::vector<uint8_t> send = client_.Start(operation, transport::MonotonicNow());
  for (;;) {
    if (!send.empty()) {
      link_->DiscardInput();
      if (Status sent = link_->Send(send); !sent.ok()) return sent;
      send.clear();
    }
    auto received = link_->Receive(*client_.NextDeadline());
    if (!received.ok()) return received.status().WithContext(where + ", " + what);
    client_.Feed(*received, transport::MonotonicNow());
    mbus::ClientStep step = client_.Poll(transport::MonotonicNow());
    send = std::move(step.send);
    if (!step.outcome) continue;
    if (auto* error = std::get_if<mbus::ClientError>(&*step.outcome)) {
      if (error->kind == mbus::ClientErrorKind::kTimeout) {
        last_failure_ = TransactionFailure::kNoReply;
        return Status::IoError(where + " did not answer " + what + " (" +
                               std::to_string(options_.retries + 1) + " attempts, " +
                               std::to_string(ToSeconds(options_.timeout)) + " s each)");
      }
      last_failure_ = TransactionFailure::kBadReply;
      return Status::IoError(where + " gave a " + error->Describe() + " to " + what);
    }
    last_failure_ = TransactionFailure::kNone;
    return std::move(*step.outcome);
  }
}

Status MbusMaster::Reset(uint8_t address, bool detect_collision) {
  auto outcome = Run(mbus::Operation::Reset(address, detect_collision), "SND_NKE");
  return outcome.ok() ? Status::Ok() : outcome.status();
}

Result<mbus::Readout> MbusMaster::ReadOut(uint8_t address) {
  auto outcome = Run(mbus::Operation::ReadOut(address), "REQ_UD2");
  if (!outcome.ok()) return outcome.status();
  return std::get<mbus::Readout>(std::move(*outcome));
}

Status MbusMaster::Select(const mbus::SecondaryMask& mask) {
  auto outcome = Run(mbus::Operation::Select(mask), "a selection (SND_UD CI 52)");
  return outcome.ok() ? Status::Ok() : outcome.status();
}

Status MbusMaster::Send(uint8_t address, uint8_t ci, std::vector<uint8_t> data) {
  auto outcome = Run(mbus::Operation::Send(address, ci, std::move(data)), "SND_UD");
  return outcome.ok() ? Status::Ok() : outcome.status();
}

}  // namespace pro380::app
