#include "app/iec_master.h"

#include "transport/monotonic_clock.h"

namespace pro380::app {

using iec62056::Answer;
using iec62056::AnswerKind;

IecMaster::IecMaster(std::unique_ptr<transport::ClientLink> link, iec62056::ClientOptions options,
                     uint32_t sign_on_baud, std::string where)
    : link_(std::move(link)),
      options_(options),
      sign_on_baud_(sign_on_baud),
      where_(std::move(where)),
      client_(options) {}

Result<Answer> IecMaster::Exchange(iec62056::ClientStep step, const std::string& what) {
  last_failure_ = Failure::kLink;  // until the exchange ends otherwise
  for (;;) {
    if (!step.send.empty()) {
      if (Status sent = link_->Send(step.send); !sent.ok()) return sent.WithContext(where_);
    }
    if (step.baud_after_send) {
      const Status switched = link_->SetBaud(static_cast<uint32_t>(*step.baud_after_send));
      if (!switched.ok()) return switched.WithContext(where_);
    }
    if (step.outcome) break;
    auto received = link_->Receive(*client_.NextDeadline());
    if (!received.ok()) return received.status().WithContext(where_ + ", " + what);
    client_.Feed(*received, transport::MonotonicNow());
    step = client_.Poll(transport::MonotonicNow());
  }
  if (auto* error = std::get_if<iec62056::ClientError>(&*step.outcome)) {
    if (error->kind == iec62056::ClientErrorKind::kTimeout) {
      last_failure_ = Failure::kNoReply;
      return Status::IoError(where_ + " did not answer " + what + " (within " +
                             std::to_string(ToSeconds(options_.timeout)) + " s)");
    }
    last_failure_ = Failure::kBadAnswer;
    return Status::IoError(where_ + " gave " + error->Describe() + " to " + what);
  }
  last_failure_ = Failure::kNone;
  return std::get<Answer>(std::move(*step.outcome));
}

Result<Answer> IecMaster::Expect(Result<Answer> answer, AnswerKind kind, const std::string& what) {
  if (!answer.ok()) return answer.status();
  if (answer->kind == AnswerKind::kError) {
    last_failure_ = Failure::kRefused;
    if (answer->text == "ERROR PASSWORD") {
      return Status::FailedPrecondition(where_ + " refused " + what +
                                        ": wrong password (the meter answered ERROR PASSWORD)");
    }
    return Status::FailedPrecondition(where_ + " refused " + what + ": " + answer->text);
  }
  if (answer->kind != kind) {
    last_failure_ = Failure::kBadAnswer;
    return Status::IoError(where_ + " gave an unexpected answer to " + what);
  }
  return answer;
}

Result<iec62056::Identification> IecMaster::SignOn(const std::string& address) {
  if (Status reset = link_->SetBaud(sign_on_baud_); !reset.ok()) return reset.WithContext(where_);
  link_->DiscardInput();  // a late answer of an abandoned session
  const std::string what = "the sign-on /?" + address + "!";
  auto answer = Expect(Exchange(client_.SignOn(address, transport::MonotonicNow()), what),
                       AnswerKind::kIdentification, what);
  if (!answer.ok()) return answer.status();
  if (!client_.SelectedBaud()) {
    last_failure_ = Failure::kRefused;
    return Status::FailedPrecondition(where_ + " answered /" + answer->identification.manufacturer +
                                      answer->identification.baud_character +
                                      answer->identification.identification +
                                      ": not a mode C meter (only mode C is spoken)");
  }
  return answer->identification;
}

Result<std::vector<iec62056::DataSet>> IecMaster::Readout() {
  const std::string what =
      "the readout at " + std::to_string(client_.SelectedBaud().value_or(0)) + " baud";
  auto answer = Expect(Exchange(client_.SelectOption(false, transport::MonotonicNow()), what),
                       AnswerKind::kReadout, what);
  if (!answer.ok()) return answer.status();
  return std::move(answer->data_sets);
}

Result<std::string> IecMaster::OpenProgramming() {
  const std::string what =
      "the programming mode at " + std::to_string(client_.SelectedBaud().value_or(0)) + " baud";
  auto answer = Expect(Exchange(client_.SelectOption(true, transport::MonotonicNow()), what),
                       AnswerKind::kOperand, what);
  if (!answer.ok()) return answer.status();
  return answer->text;
}

Status IecMaster::SendPassword(const std::string& password) {
  const std::string what = "the password (P1)";
  auto answer = Expect(Exchange(client_.SendPassword(password, transport::MonotonicNow()), what),
                       AnswerKind::kAcknowledged, what);
  return answer.ok() ? Status::Ok() : answer.status();
}

Status IecMaster::Write(const std::string& address, const std::string& value) {
  const std::string what = "a write of " + address + "(" + value + ")";
  auto answer = Expect(Exchange(client_.SendWrite(address, value, transport::MonotonicNow()), what),
                       AnswerKind::kAcknowledged, what);
  return answer.ok() ? Status::Ok() : answer.status();
}

Result<iec62056::DataSet> IecMaster::Read(const std::string& address) {
  const std::string what = "a read of " + address;
  auto answer = Expect(Exchange(client_.SendRead(address, transport::MonotonicNow()), what),
                       AnswerKind::kDataSet, what);
  if (!answer.ok()) return answer.status();
  return std::move(answer->data_sets.front());
}

Status IecMaster::SignOff() {
  auto answer = Exchange(client_.SignOff(transport::MonotonicNow()), "the sign-off");
  return answer.ok() ? Status::Ok() : answer.status();
}

}  // namespace pro380::app
