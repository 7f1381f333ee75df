// The IEC 62056-21:2002 client (the reading head's side of the optical port), sans-I/O: the
// driver in app/ sends the bytes a step returns, switches its line's rate when a step says so,
// feeds what it receives with the time it arrived, and calls Poll at NextDeadline. The engine
// never reads a clock, never sleeps and owns no line (docs/client.md, "The optical port").
//
// One exchange at a time, mode C:
// - SignOn: `/?` [address] `!` CR LF; the answer is the identification `/XXXZ<ident>` CR LF.
// - SelectOption: `ACK 0 Z Y` CR LF with Z the fastest rate both the meter offered and
//   max_baud allow, Y 0 (readout) or 1 (programming). The step carries the rate change: the
//   meter answers at Z, so the driver switches once the option select has left the line (a TCP
//   stream has no rate and ignores it). The answer is the data message `STX` data `!` CR LF
//   `ETX BCC` (readout) or `SOH P0 STX (operand) ETX BCC` (programming).
// - Password P1, Write W1: the answer is ACK or an error message `STX (text) ETX BCC`; Read R1:
//   a data message with one data set, or an error message. SignOff B0 gets no answer.
// - A programming answer with a wrong BCC or parity is answered NAK (the meter repeats it), up
//   to `repeats` times; a NAK from the meter makes the engine send the command again, as often.
//   A readout with a wrong BCC is an error (the meter has no repeat outside programming mode).
// - Characters that cannot start the expected answer are skipped and counted; an answer longer
//   than the longest allowed is malformed. `timeout` runs from the request's send and again from
//   every character received: a meter that stops in the middle times out as one that never
//   answers.
//
// Thread safety: none; one client per line.
#ifndef PRO380_PROTOCOL_IEC62056_CLIENT_H_
#define PRO380_PROTOCOL_IEC62056_CLIENT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.h"
#include "protocol/iec62056/frames.h"

namespace pro380::iec62056 {

struct ClientOptions {
  Duration timeout = std::chrono::seconds(2);  // for an answer's first character and each next
  int max_baud = 9600;  // the fastest rate the client selects (a rate of kBaudTable)
  int repeats = 2;      // NAKs sent (or commands repeated on the meter's NAK) per exchange
  // True on a serial line opened 8N1 for 7E1 characters: the engine adds the even-parity bit to
  // every byte it sends and checks it on every byte it receives (frames.h). False on a pty or TCP.
  bool parity_on_line = false;
};

// The identification message `/XXXZ<ident>` CR LF (§6.3.2).
struct Identification {
  std::string manufacturer;    // XXX
  char baud_character = '0';   // Z
  std::optional<int> baud;     // the mode C rate of Z, nullopt for a mode A/B meter
  std::string identification;  // after Z, up to 16 characters
};

enum class AnswerKind : uint8_t {
  kIdentification,
  kReadout,  // the data sets of a data message
  kOperand,  // P0: programming mode opened
  kAcknowledged,
  kDataSet,  // an R1 answer
  kError,    // an error message: the meter refused
};

struct Answer {
  AnswerKind kind = AnswerKind::kAcknowledged;
  Identification identification;   // kIdentification
  std::vector<DataSet> data_sets;  // kReadout (all, in order), kDataSet (one)
  std::string text;                // kOperand: the operand; kError: the error text
};

enum class ClientErrorKind : uint8_t {
  kTimeout,      // no (complete) answer within the timeout
  kBadBcc,       // the BCC or a character's parity did not check (after the repeats)
  kMalformed,    // the answer does not have the form the exchange expects
  kNakRepeated,  // the meter answered NAK to every repetition of the command
};

struct ClientError {
  ClientErrorKind kind = ClientErrorKind::kTimeout;
  std::string detail;

  // "no answer", "a wrong BCC", "a malformed answer: …", "NAK".
  std::string Describe() const;
};

using ClientOutcome = std::variant<Answer, ClientError>;

// What the driver does after Start or Poll: send `send`; after it has left the line, switch
// the line to `baud_after_send` (serial only); take `outcome` when present (the exchange ended).
struct ClientStep {
  std::vector<uint8_t> send;
  std::optional<int> baud_after_send;
  std::optional<ClientOutcome> outcome;
};

struct ClientCounters {
  uint64_t exchanges = 0;
  uint64_t chars = 0;          // every byte fed during an exchange
  uint64_t skipped_chars = 0;  // could not start the expected answer, or not 7-bit
  uint64_t parity_errors = 0;  // bytes with a wrong parity bit (parity_on_line)
  uint64_t bcc_errors = 0;     // answers whose BCC did not check
  uint64_t malformed = 0;      // answers without the expected form, or overlong
  uint64_t naks_sent = 0;      // repeats asked for
  uint64_t naks_received = 0;  // commands the meter answered NAK
  uint64_t timeouts = 0;
  uint64_t error_messages = 0;  // refusals
};

// The request and commands in characters (7-bit, without parity).
std::string SignOnMessage(std::string_view address);
std::string OptionSelectMessage(char baud_character, bool programming);
// `SOH C D STX data ETX BCC`; B0 has no data: `SOH B0 ETX BCC`.
std::string CommandMessage(std::string_view command, std::string_view data);

// The data sets of a data block (the characters between STX and `!`): `address(value*unit)`
// separated by CR LF (several per line allowed); nullopt when it has not that form.
std::optional<std::vector<DataSet>> ParseDataBlock(std::string_view block);
// `/XXXZident` (without CR LF); nullopt when it has not that form.
std::optional<Identification> ParseIdentification(std::string_view message);

class IecClient {
 public:
  explicit IecClient(ClientOptions options);

  // Each starts an exchange (REQUIRES: !busy()); `now` is when its bytes are sent.
  ClientStep SignOn(std::string_view address, TimePoint now);
  // REQUIRES: the last exchange was a successful SignOn of a mode C meter (identification()).
  ClientStep SelectOption(bool programming, TimePoint now);
  ClientStep SendPassword(std::string_view password, TimePoint now);
  ClientStep SendWrite(std::string_view address, std::string_view value, TimePoint now);
  ClientStep SendRead(std::string_view address, TimePoint now);
  // B0: no answer; the step carries the outcome (kAcknowledged) at once.
  ClientStep SignOff(TimePoint now);

  // Bytes received at `now` (ignored while idle); Poll takes them.
  void Feed(std::span<const uint8_t> bytes, TimePoint now);
  ClientStep Poll(TimePoint now);
  std::optional<TimePoint> NextDeadline() const;

  bool busy() const { return expecting_ != Expecting::kNothing; }
  // The last identification received (SelectOption's rate comes from it).
  const std::optional<Identification>& identification() const { return identification_; }
  // The rate SelectOption selects for the last identification: min(offered, max_baud).
  std::optional<int> SelectedBaud() const;
  const ClientCounters& counters() const { return counters_; }

 private:
  enum class Expecting : uint8_t { kNothing, kIdentification, kReadout, kProgramming, kDataSet };
  enum class Scan : uint8_t { kStart, kLine, kBlock, kBcc };

  ClientStep Begin(std::string chars, Expecting expecting, TimePoint now);
  std::vector<uint8_t> OnLine(std::string_view chars) const;
  void Take(uint8_t byte);  // parity, then Accept
  void Accept(char c, bool damaged);
  ClientStep Finish(ClientOutcome outcome);
  ClientStep Evaluate(TimePoint now);          // a complete answer
  ClientStep Repeat(bool nak, TimePoint now);  // NAK or resend, or give up

  ClientOptions options_;
  Expecting expecting_ = Expecting::kNothing;
  std::string request_;  // resent on the meter's NAK
  Scan scan_ = Scan::kStart;
  std::vector<uint8_t> inbox_;  // fed, not yet taken by Poll
  std::size_t consumed_ = 0;
  std::string message_;   // the answer so far, from its first character
  bool damaged_ = false;  // a parity error inside message_
  bool complete_ = false;
  int repeats_left_ = 0;
  TimePoint deadline_{};
  std::optional<Identification> identification_;
  ClientCounters counters_;
};

}  // namespace pro380::iec62056

#endif  // PRO380_PROTOCOL_IEC62056_CLIENT_H_
