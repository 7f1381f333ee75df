// The IEC 62056-21:2002 server (the meter's side of the optical port), sans-I/O: characters and
// the time they arrived go in, actions with the time they are due come out. It reaches the meter
// only through a DataProvider.
//
// What it does (docs/protocols/iec62056.md has every rule with its reason):
// - Request `/?` [address] `!` CR LF at any time, in any state: a meter whose address matches (or
//   any meter when there is none) answers the identification `/XXXZ<ident>` CR LF after the
//   reaction time; a request in the middle of a session starts a new one (resynchronisation).
// - Mode C (default): the acknowledgement/option select `ACK 0 Z Y` CR LF chooses the baud rate
//   Z (up to the proposed one) and Y = 0 data readout or Y = 1 programming mode. The baud change
//   is an action due at once (the option select has arrived at the old rate); the answer follows
//   at the new rate after the reaction time. No option select within the timeout after the
//   identification has left: the readout follows at the initial rate (what a mode A client
//   waits for).
// - Mode B: the baud change follows the identification, then the readout. Mode A: the readout
//   follows the identification at the initial rate.
// - Programming mode: P0 (operand) opens it; P1 password (ACK, or an error; a lock-out after
//   repeated failures), R1 read, W1 write (after the password), B0 sign-off; a command with a
//   wrong BCC gets NAK, a NAK from the client repeats the last answer; inactivity ends it.
// - Timeouts use the time passed in: the inter-character time ends a partial message; a message
//   longer than the longest allowed is dropped; a byte that cannot start a message is skipped.
//   Every dropped message and byte is counted.
//
// Thread safety: none; one server per optical port.
#ifndef PRO380_PROTOCOL_IEC62056_SERVER_H_
#define PRO380_PROTOCOL_IEC62056_SERVER_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "protocol/iec62056/data_provider.h"
#include "protocol/iec62056/frames.h"

namespace pro380::iec62056 {

struct ServerOptions {
  ProtocolMode mode = ProtocolMode::kC;
  int initial_baud = 300;  // §6.3.14: every session starts at 300 baud
  int max_baud = 9600;     // proposed in the identification (mode B, C)
  // tr: 200 ms ≤ tr ≤ 1500 ms with an uppercase third manufacturer letter (§6.3.14 item 13).
  Duration reaction_time = std::chrono::milliseconds(200);
  Duration inter_character_timeout = std::chrono::milliseconds(1500);  // ta (§6.3.14)
  // Mode C: how long after the identification has left the meter waits for the option select.
  Duration option_select_timeout = std::chrono::milliseconds(1500);
  Duration programming_inactivity = std::chrono::seconds(120);  // §6.3.14: 60 s to 120 s
  int password_attempts = 3;  // wrong passwords in a row before the lock-out
  Duration lockout = std::chrono::minutes(10);
  std::size_t max_command = 256;  // characters of a programming command, SOH to BCC
};

struct Action {
  enum class Kind : uint8_t { kSend, kSetBaud };
  Kind kind = Kind::kSend;
  std::string chars;  // kSend: 7-bit characters
  int baud = 0;       // kSetBaud: applies once every character sent before has left the line

  friend bool operator==(const Action&, const Action&) = default;
};

struct ServerCounters {
  uint64_t chars = 0;             // every character fed
  uint64_t skipped_chars = 0;     // characters that could not start a message
  uint64_t dropped_messages = 0;  // partial (inter-character timeout, interrupted) or malformed
  uint64_t overlong_messages = 0;
  uint64_t sign_ons = 0;           // requests answered
  uint64_t restarts = 0;           // of those, arriving in the middle of a session
  uint64_t other_address = 0;      // requests for another meter (not answered)
  uint64_t not_communicating = 0;  // requests while the meter does not communicate
  uint64_t rejected_options = 0;   // option selects with a mode, protocol or baud not offered
  uint64_t option_timeouts = 0;    // mode C sessions that fell back to the initial-rate readout
  uint64_t readouts = 0;
  uint64_t programming_sessions = 0;
  uint64_t commands = 0;     // programming commands with a good BCC
  uint64_t bcc_errors = 0;   // commands answered with NAK
  uint64_t repeats = 0;      // answers repeated on a client's NAK
  uint64_t errors_sent = 0;  // error messages
  uint64_t writes = 0;       // accepted W1
  uint64_t password_failures = 0;
  uint64_t lockouts = 0;
  uint64_t inactivity_ends = 0;
};

// Every counter by its field's name, in declaration order: what the REST API, /metrics and the
// golden transcripts call them.
std::vector<std::pair<std::string, uint64_t>> NamedCounters(const ServerCounters& counters);

class Server {
 public:
  enum class State : uint8_t { kIdle, kAwaitOption, kProgramming };

  // `provider` must outlive the server.
  Server(DataProvider& provider, ServerOptions options);

  // The characters of one received chunk (7-bit; anything above 0x7F is skipped), all received
  // at `now`. Answers become actions, taken by Poll.
  void Feed(std::span<const uint8_t> chars, TimePoint now);
  // Every action due at `now`, in order; runs the timeouts due by then.
  std::vector<Action> Poll(TimePoint now);
  // When Poll has something to do next (an action or a timeout), or nullopt.
  std::optional<TimePoint> NextDeadline() const;

  // Who the next writes come from (the session sets it; kept by the server).
  void set_context(std::string interface, std::string client);

  // True while actions are queued (an answer waits for its time or for the line).
  bool sending() const { return !pending_.empty(); }
  State state() const { return state_; }
  const ServerOptions& options() const { return options_; }
  const ServerCounters& counters() const { return counters_; }

 private:
  enum class Collecting : uint8_t { kNothing, kRequest, kOption, kCommand };
  struct Pending {
    TimePoint due;
    Action action;
  };

  void Accept(char c, TimePoint now);
  void StartMessage(char c, TimePoint now);
  void DropMessage(TimePoint now);
  void RunTimeouts(TimePoint now);
  void HandleRequest(TimePoint now);
  void HandleOption(TimePoint now);
  void HandleCommand(TimePoint now);
  void Reply(std::string chars, TimePoint now);  // a programming answer after tr
  void ReplyError(CommandError error, TimePoint now);
  void EndSession(TimePoint now);  // back to idle at the initial baud rate

  // Queues a send due at `due` (or once the line is free) and returns when it has left.
  TimePoint QueueSend(std::string chars, TimePoint due);
  void QueueBaud(int baud, TimePoint due);
  std::string ReadoutMessage() const;

  DataProvider& provider_;
  ServerOptions options_;
  std::string interface_;
  std::string client_;

  State state_ = State::kIdle;
  Collecting collecting_ = Collecting::kNothing;
  std::string message_;
  TimePoint last_char_at_{};

  std::deque<Pending> pending_;
  int queued_baud_;  // the line's rate after every queued action
  int polled_baud_;  // the line's rate after every action taken
  TimePoint line_free_at_{};

  TimePoint option_deadline_{};
  TimePoint inactivity_deadline_{};
  bool authorised_ = false;
  std::string last_answer_;
  int password_failures_ = 0;
  std::optional<TimePoint> locked_until_;

  ServerCounters counters_;
};

}  // namespace pro380::iec62056

#endif  // PRO380_PROTOCOL_IEC62056_SERVER_H_
