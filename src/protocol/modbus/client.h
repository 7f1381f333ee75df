// The client (master) side of Modbus, sans-I/O: the requests a master sends, the checks of the
// replies it gets, and one transaction at a time with its reply timeout and retries.
//
// ModbusClient takes bytes and time points and gives bytes and outcomes; it never reads a clock,
// never sleeps and owns no socket. The app/ driver sends what Start() and Poll() return, feeds
// what it receives, and calls Poll() at NextDeadline() (docs/client.md, "Modbus").
//
// Framing of replies (decided in docs/client.md):
// - Modbus TCP: MbapFramer; a reply whose transaction id or unit id is not the request's is a
//   late reply to an earlier attempt and is skipped (counted as stale).
// - RTU (serial line or RTU over TCP): RtuReplyFramer delimits the reply by the length its
//   function code implies for this request (as masters do, libmodbus too), not by t3.5 of
//   silence: a pty or a TCP stream keeps no timing, and a USB adapter smears it. Bytes that
//   cannot start the expected reply are skipped and counted; a candidate whose CRC fails costs
//   one byte and is counted once per run of failures.
//
// Thread safety: none; one client per link.
#ifndef PRO380_PROTOCOL_MODBUS_CLIENT_H_
#define PRO380_PROTOCOL_MODBUS_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/time.h"
#include "protocol/modbus/mbap_framer.h"
#include "protocol/modbus/pdu.h"
#include "protocol/modbus/rtu_framer.h"

namespace pro380::modbus {

// The spec's limits of one request (application protocol §6.3, §6.12).
inline constexpr uint16_t kMaxReadRegisters = 125;
inline constexpr uint16_t kMaxWriteRegisters = 123;

// FC03 for `count` registers from `start`. REQUIRES: 1 <= count <= kMaxReadRegisters.
Pdu ReadHoldingRegistersRequest(uint16_t start, uint16_t count);
// FC04 (input registers), as FC03. REQUIRES: 1 <= count <= kMaxReadRegisters.
Pdu ReadInputRegistersRequest(uint16_t start, uint16_t count);
// FC10 of `words` from `start`. REQUIRES: 1 <= words.size() <= kMaxWriteRegisters.
Pdu WriteMultipleRegistersRequest(uint16_t start, std::span<const uint16_t> words);

// Why a transaction gave no usable reply.
enum class ClientErrorKind : uint8_t {
  kTimeout,    // no complete reply within the timeout, after every retry
  kException,  // the server answered function | 0x80 with an exception code
  kMalformed,  // the reply's function, byte count, echo or length does not fit the request
};

struct ClientError {
  ClientErrorKind kind = ClientErrorKind::kTimeout;
  uint8_t exception_code = 0;  // kException only
  std::string detail;          // kMalformed: what does not fit

  // "no reply", "exception 02 (illegal data address)", "malformed reply: …".
  std::string Describe() const;
};

// The name of an exception code ("illegal data address"), "unknown" for others.
std::string_view ExceptionName(uint8_t code);

// The register words of a FC03/FC04 reply to `request`, or why the reply does not fit it.
std::variant<std::vector<uint16_t>, ClientError> ParseReadReply(const Pdu& request,
                                                                const Pdu& reply);
// Nullopt when `reply` is the right answer to the FC06/FC10 `request` (the echo), else why not.
std::optional<ClientError> CheckWriteReply(const Pdu& request, const Pdu& reply);

struct RtuReplyFramerCounters {
  uint64_t bytes = 0;          // every byte fed
  uint64_t frames = 0;         // replies delivered
  uint64_t crc_errors = 0;     // runs of candidates whose CRC failed
  uint64_t skipped_bytes = 0;  // bytes that could not start the expected reply
};

// Delimits the RTU reply to one request on a byte stream (see the file comment).
class RtuReplyFramer {
 public:
  // Expects the reply of `address` to `request` (a unicast address 1..247).
  RtuReplyFramer(uint8_t address, const Pdu& request);

  void Feed(std::span<const uint8_t> bytes);
  // The reply once all its bytes arrived and its CRC checks, else nullopt.
  std::optional<RtuFrame> Next();

  const RtuReplyFramerCounters& counters() const { return counters_; }

 private:
  // The length of the reply starting at `pending`: 0 = not a reply start, nullopt = need more.
  std::optional<std::size_t> CandidateLength(std::span<const uint8_t> pending) const;

  uint8_t address_;
  uint8_t function_;
  std::vector<uint8_t> buffer_;
  std::size_t consumed_ = 0;
  bool resynchronising_ = false;
  RtuReplyFramerCounters counters_;
};

enum class ClientFraming : uint8_t { kTcp, kRtu };

struct ClientOptions {
  Duration timeout = std::chrono::seconds(1);  // per attempt, from the request's last byte
  int retries = 1;                             // further attempts after a timeout
};

struct ClientCounters {
  uint64_t requests = 0;       // transactions started
  uint64_t attempts = 0;       // requests sent, retries included
  uint64_t replies = 0;        // replies delivered (exceptions and malformed ones included)
  uint64_t timeouts = 0;       // attempts that timed out
  uint64_t stale = 0;          // TCP replies for another transaction or unit, skipped
  uint64_t bad_frames = 0;     // RTU: runs of CRC failures; TCP: a length that broke the stream
  uint64_t skipped_bytes = 0;  // RTU bytes that could not start the reply
  uint64_t exceptions = 0;
  uint64_t malformed = 0;
};

// The transaction's end: the reply's PDU (checked to answer the request's function, possibly an
// exception) or the error.
using ClientOutcome = std::variant<Pdu, ClientError>;

// What Poll() asks the driver to do: send bytes (a retry) and/or take the outcome.
struct ClientStep {
  std::vector<uint8_t> send;
  std::optional<ClientOutcome> outcome;
};

class ModbusClient {
 public:
  ModbusClient(ClientFraming framing, ClientOptions options);

  // Starts a transaction and returns the bytes to send. `now` is when they are sent.
  // REQUIRES: !busy(); unit 1..247 on RTU (broadcasts get no reply).
  std::vector<uint8_t> Start(uint8_t unit, const Pdu& request, TimePoint now);
  // Bytes received while busy (others are ignored).
  void Feed(std::span<const uint8_t> bytes);
  // The outcome once the reply arrived or the last attempt timed out; a retry's bytes when an
  // attempt timed out and retries remain (sent at `now`).
  ClientStep Poll(TimePoint now);
  // When Poll() must be called if no byte arrives; nullopt when idle.
  std::optional<TimePoint> NextDeadline() const;

  bool busy() const { return busy_; }
  const ClientCounters& counters() const { return counters_; }

 private:
  std::vector<uint8_t> Encode() const;
  std::optional<Pdu> TakeReply();

  ClientFraming framing_;
  ClientOptions options_;
  bool busy_ = false;
  uint8_t unit_ = 0;
  Pdu request_;
  uint16_t transaction_id_ = 0;
  int attempts_left_ = 0;
  TimePoint deadline_{};
  std::optional<MbapFramer> mbap_;
  std::optional<RtuReplyFramer> rtu_;
  ClientCounters counters_;
};

}  // namespace pro380::modbus

#endif  // PRO380_PROTOCOL_MODBUS_CLIENT_H_
