// IecMaster: the blocking optical port client `pro380 read --iec` and `write --iec` use
// (docs/client.md, "The optical port"): a ClientLink (transport/) driven by the sans-I/O
// IecClient (protocol/iec62056/client.h) with the host's monotonic clock. It switches a serial
// line's rate when the engine says so (after the option select has left) and back to the
// sign-on rate for every new session; TCP and a pty have no rate.
#ifndef PRO380_APP_IEC_MASTER_H_
#define PRO380_APP_IEC_MASTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "protocol/iec62056/client.h"
#include "transport/client_link.h"

namespace pro380::app {

class IecMaster {
 public:
  // How the last exchange failed: retry (sign on again) only after kNoReply or kBadAnswer.
  enum class Failure : uint8_t { kNone, kNoReply, kBadAnswer, kRefused, kLink };

  // `where` names the endpoint in messages ("--iec-tcp 127.0.0.1:8000").
  IecMaster(std::unique_ptr<transport::ClientLink> link, iec62056::ClientOptions options,
            uint32_t sign_on_baud, std::string where);

  // A new session: the line back at the sign-on rate, the request, the identification. Errors
  // name the endpoint: IoError for no answer (`… did not answer the sign-on`), a malformed one
  // or a broken link; FailedPrecondition for a meter that is not mode C.
  Result<iec62056::Identification> SignOn(const std::string& address);
  // After SignOn: the option select for a readout at the selected rate, and its data sets.
  Result<std::vector<iec62056::DataSet>> Readout();
  // After SignOn: programming mode; the P0 operand.
  Result<std::string> OpenProgramming();
  // P1; FailedPrecondition "wrong password" when the meter answers (ERROR PASSWORD), with the
  // meter's text for other refusals (a lock-out).
  Status SendPassword(const std::string& password);
  // W1; FailedPrecondition with the meter's error text when refused.
  Status Write(const std::string& address, const std::string& value);
  // R1: the data set; FailedPrecondition with the meter's error text when refused.
  Result<iec62056::DataSet> Read(const std::string& address);
  // B0 (no answer).
  Status SignOff();

  Failure last_failure() const { return last_failure_; }
  const iec62056::ClientCounters& counters() const { return client_.counters(); }
  const std::string& where() const { return where_; }

 private:
  // Sends the step, applies its rate change, and runs the exchange to its outcome.
  Result<iec62056::Answer> Exchange(iec62056::ClientStep step, const std::string& what);
  // The answer of `what` must be of `kind`; an error message is FailedPrecondition.
  Result<iec62056::Answer> Expect(Result<iec62056::Answer> answer, iec62056::AnswerKind kind,
                                  const std::string& what);

  std::unique_ptr<transport::ClientLink> link_;
  iec62056::ClientOptions options_;
  uint32_t sign_on_baud_;
  std::string where_;
  iec62056::IecClient client_;
  Failure last_failure_ = Failure::kNone;
};

}  // namespace pro380::app

#endif  // PRO380_APP_IEC_MASTER_H_
