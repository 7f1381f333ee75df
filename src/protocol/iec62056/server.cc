#include "protocol/iec62056/server.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace pro380::iec62056 {
namespace {

// The longest request: '/', '?', a 32-character address, '!', CR, LF (§6.3.1).
constexpr std::size_t kMaxRequest = 37;
constexpr std::size_t kMaxAddress = 32;
constexpr std::size_t kOptionSize = 6;  // ACK V Z Y CR LF

bool IsAddressChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ';
}

// Ten bits per character (start, 7 data, parity, stop).
Duration WireTime(std::size_t chars, int baud) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(
      static_cast<double>(chars) * 10.0 / static_cast<double>(std::max(baud, 1))));
}

// `body` ETX BCC: the end of a message after its SOH or STX, the BCC over body and ETX.
std::string WithEtxAndBcc(std::string body) {
  body += kEtx;
  const char bcc = Bcc(body);
  body += bcc;
  return body;
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> NamedCounters(const ServerCounters& c) {
  return {{"chars", c.chars},
          {"skipped_chars", c.skipped_chars},
          {"dropped_messages", c.dropped_messages},
          {"overlong_messages", c.overlong_messages},
          {"sign_ons", c.sign_ons},
          {"restarts", c.restarts},
          {"other_address", c.other_address},
          {"not_communicating", c.not_communicating},
          {"rejected_options", c.rejected_options},
          {"option_timeouts", c.option_timeouts},
          {"readouts", c.readouts},
          {"programming_sessions", c.programming_sessions},
          {"commands", c.commands},
          {"bcc_errors", c.bcc_errors},
          {"repeats", c.repeats},
          {"errors_sent", c.errors_sent},
          {"writes", c.writes},
          {"password_failures", c.password_failures},
          {"lockouts", c.lockouts},
          {"inactivity_ends", c.inactivity_ends}};
}

std::string_view ErrorText(CommandError error) {
  switch (error) {
    case CommandError::kUnknownAddress:
      return "ERROR ADDRESS";
    case CommandError::kNotReadable:
      return "ERROR NOT READABLE";
    case CommandError::kNotWritable:
      return "ERROR READ ONLY";
    case CommandError::kBadValue:
      return "ERROR VALUE";
    case CommandError::kLocked:
      return "ERROR LOCKED";
    case CommandError::kNotAuthorised:
      return "ERROR NO PASSWORD";
    case CommandError::kPasswordWrong:
      return "ERROR PASSWORD";
    case CommandError::kLockedOut:
      return "ERROR LOCKED OUT";
    case CommandError::kUnknownCommand:
      return "ERROR COMMAND";
  }
  return "ERROR";
}

Server::Server(DataProvider& provider, ServerOptions options)
    : provider_(provider),
      options_(options),
      queued_baud_(options.initial_baud),
      polled_baud_(options.initial_baud) {}

void Server::set_context(std::string interface, std::string client) {
  interface_ = std::move(interface);
  client_ = std::move(client);
}

void Server::Feed(std::span<const uint8_t> chars, TimePoint now) {
  RunTimeouts(now);
  for (uint8_t byte : chars) {
    ++counters_.chars;
    if (byte > 0x7F) {  // not a 7-bit character: a parity error at the edge, or noise
      if (collecting_ != Collecting::kNothing) DropMessage(now);
      ++counters_.skipped_chars;
      continue;
    }
    Accept(static_cast<char>(byte), now);
  }
}

void Server::Accept(char c, TimePoint now) {
  last_char_at_ = now;
  switch (collecting_) {
    case Collecting::kNothing:
      StartMessage(c, now);
      return;
    case Collecting::kRequest:
      if (c == '/') {  // a new request before this one ended: this one is lost
        DropMessage(now);
        StartMessage(c, now);
        return;
      }
      message_ += c;
      if (message_.size() >= 2 && message_.ends_with("\r\n")) {
        HandleRequest(now);
      } else if (message_.size() >= kMaxRequest) {
        ++counters_.overlong_messages;
        collecting_ = Collecting::kNothing;
        message_.clear();
      }
      return;
    case Collecting::kOption:
      if (c == '/' || c == kAck) {  // a new message before this one ended
        DropMessage(now);
        StartMessage(c, now);
        return;
      }
      message_ += c;
      if (message_.size() == kOptionSize) {
        HandleOption(now);
      } else if (c == '\n') {  // ended early
        DropMessage(now);
      }
      return;
    case Collecting::kCommand: {
      const std::size_t etx = message_.find(kEtx);
      // '/' and SOH are no data characters (§6.3.16): a new message starts.
      if (etx == std::string::npos && (c == '/' || c == kSoh)) {
        DropMessage(now);
        StartMessage(c, now);
        return;
      }
      message_ += c;
      if (etx != std::string::npos) {  // this is the BCC
        HandleCommand(now);
      } else if (message_.size() >= options_.max_command) {
        ++counters_.overlong_messages;
        collecting_ = Collecting::kNothing;
        message_.clear();
      }
      return;
    }
  }
}

void Server::StartMessage(char c, TimePoint now) {
  if (c == '/') {
    collecting_ = Collecting::kRequest;
  } else if (c == kAck && state_ == State::kAwaitOption) {
    collecting_ = Collecting::kOption;
  } else if (c == kSoh && state_ == State::kProgramming) {
    collecting_ = Collecting::kCommand;
  } else if (c == kNak && state_ == State::kProgramming) {
    inactivity_deadline_ = now + options_.programming_inactivity;
    if (!last_answer_.empty()) {
      ++counters_.repeats;
      QueueSend(last_answer_, now + options_.reaction_time);
    }
    return;
  } else {
    ++counters_.skipped_chars;
    return;
  }
  message_.assign(1, c);
}

void Server::DropMessage(TimePoint /*now*/) {
  ++counters_.dropped_messages;
  collecting_ = Collecting::kNothing;
  message_.clear();
}

void Server::RunTimeouts(TimePoint now) {
  if (collecting_ != Collecting::kNothing &&
      now - last_char_at_ > options_.inter_character_timeout) {
    DropMessage(now);
  }
  if (state_ == State::kAwaitOption && now >= option_deadline_) {
    // No option select: the readout at the initial rate, as a mode A meter sends it.
    ++counters_.option_timeouts;
    ++counters_.readouts;
    state_ = State::kIdle;
    QueueSend(ReadoutMessage(), option_deadline_);
  }
  if (state_ == State::kProgramming && now >= inactivity_deadline_) {
    ++counters_.inactivity_ends;
    EndSession(inactivity_deadline_);
  }
}

void Server::HandleRequest(TimePoint now) {
  const std::string request = std::exchange(message_, {});
  collecting_ = Collecting::kNothing;
  // "/?" address "!" CR LF
  if (request.size() < 5 || request[1] != '?' || request[request.size() - 3] != '!') {
    ++counters_.dropped_messages;
    return;
  }
  const std::string_view address = std::string_view(request).substr(2, request.size() - 5);
  if (address.size() > kMaxAddress || !std::all_of(address.begin(), address.end(), IsAddressChar)) {
    ++counters_.dropped_messages;
    return;
  }
  if (!provider_.Communicating()) {
    ++counters_.not_communicating;
    return;
  }
  if (!address.empty() && !provider_.MatchesAddress(address)) {
    ++counters_.other_address;
    return;
  }
  ++counters_.sign_ons;
  // A new session: whatever the last one had still to send is not sent.
  if (state_ != State::kIdle || !pending_.empty()) ++counters_.restarts;
  pending_.clear();
  queued_baud_ = polled_baud_;
  line_free_at_ = std::min(line_free_at_, now);
  authorised_ = false;
  last_answer_.clear();
  state_ = State::kIdle;
  if (queued_baud_ != options_.initial_baud) QueueBaud(options_.initial_baud, now);

  char baud_char = '@';  // mode A: any character that is no mode B or C baud character
  if (options_.mode != ProtocolMode::kA) {
    baud_char = BaudCharacter(options_.max_baud, options_.mode).value_or('0');
  }
  const std::string identification =
      "/" + provider_.Manufacturer() + baud_char + provider_.Identification() + "\r\n";
  const TimePoint sent = QueueSend(identification, now + options_.reaction_time);
  switch (options_.mode) {
    case ProtocolMode::kC:
      state_ = State::kAwaitOption;
      option_deadline_ = sent + options_.option_select_timeout;
      break;
    case ProtocolMode::kB:
      ++counters_.readouts;
      QueueBaud(options_.max_baud, sent);
      QueueSend(ReadoutMessage(), sent + options_.reaction_time);
      QueueBaud(options_.initial_baud, sent + options_.reaction_time);
      break;
    case ProtocolMode::kA:
      ++counters_.readouts;
      QueueSend(ReadoutMessage(), sent + options_.reaction_time);
      break;
  }
}

void Server::HandleOption(TimePoint now) {
  const std::string option = std::exchange(message_, {});
  collecting_ = Collecting::kNothing;
  const std::optional<int> baud = BaudOfModeCCharacter(option[2]);
  if (option[4] != '\r' || option[5] != '\n') {
    ++counters_.dropped_messages;
    return;  // still waiting: the client may send a good one before the timeout
  }
  state_ = State::kIdle;
  // Protocol control '0' (normal) only; a baud rate up to the proposed one; readout or
  // programming.
  if (option[1] != '0' || !baud || *baud > options_.max_baud ||
      (option[3] != '0' && option[3] != '1')) {
    ++counters_.rejected_options;
    return;
  }
  QueueBaud(*baud, now);
  if (option[3] == '0') {
    ++counters_.readouts;
    const TimePoint sent = QueueSend(ReadoutMessage(), now + options_.reaction_time);
    QueueBaud(options_.initial_baud, sent);
    return;
  }
  ++counters_.programming_sessions;
  state_ = State::kProgramming;
  authorised_ = false;
  inactivity_deadline_ = now + options_.programming_inactivity;
  const std::string operand = "P0" + std::string(1, kStx) + "(" + provider_.PasswordOperand() + ")";
  Reply(std::string(1, kSoh) + WithEtxAndBcc(operand), now);
}

void Server::HandleCommand(TimePoint now) {
  const std::string command = std::exchange(message_, {});
  collecting_ = Collecting::kNothing;
  inactivity_deadline_ = now + options_.programming_inactivity;
  // SOH C D [STX data] ETX BCC; the BCC covers everything after SOH up to and including ETX.
  const std::string_view body = std::string_view(command).substr(1, command.size() - 2);
  if (Bcc(body) != command.back()) {
    ++counters_.bcc_errors;
    Reply(std::string(1, kNak), now);
    return;
  }
  ++counters_.commands;
  const std::size_t etx = body.size() - 1;
  if (etx < 2) {
    ReplyError(CommandError::kUnknownCommand, now);
    return;
  }
  const char id = body[0];
  const char type = body[1];
  std::string_view data;
  if (etx > 2) {
    if (body[2] != kStx) {
      ReplyError(CommandError::kUnknownCommand, now);
      return;
    }
    data = body.substr(3, etx - 3);
  }
  if (id == 'B' && type == '0') {  // complete sign-off: no answer
    EndSession(now);
    return;
  }
  if (type != '1' || (id != 'P' && id != 'R' && id != 'W')) {
    ReplyError(CommandError::kUnknownCommand, now);
    return;
  }
  const std::optional<CommandData> parsed = ParseCommandData(data);
  if (id == 'P') {
    if (!parsed || !parsed->address.empty()) {
      ReplyError(CommandError::kUnknownCommand, now);
      return;
    }
    if (locked_until_ && now < *locked_until_) {
      ReplyError(CommandError::kLockedOut, now);
      return;
    }
    locked_until_.reset();
    if (provider_.CheckPassword(parsed->value)) {
      authorised_ = true;
      password_failures_ = 0;
      Reply(std::string(1, kAck), now);
      return;
    }
    ++counters_.password_failures;
    authorised_ = false;
    if (++password_failures_ >= options_.password_attempts) {
      ++counters_.lockouts;
      password_failures_ = 0;
      locked_until_ = now + options_.lockout;
    }
    ReplyError(CommandError::kPasswordWrong, now);
    return;
  }
  if (id == 'R') {
    // `address()` or a bare address
    const std::string address = parsed ? parsed->address : std::string(data);
    auto read = provider_.Read(address);
    if (const auto* error = std::get_if<CommandError>(&read)) {
      ReplyError(*error, now);
      return;
    }
    Reply(std::string(1, kStx) + WithEtxAndBcc(Format(std::get<DataSet>(read))), now);
    return;
  }
  // W1
  if (!authorised_) {
    ReplyError(CommandError::kNotAuthorised, now);
    return;
  }
  if (!parsed || parsed->address.empty()) {
    ReplyError(CommandError::kUnknownAddress, now);
    return;
  }
  auto written =
      provider_.Write(parsed->address, parsed->value, CommandContext{interface_, client_});
  if (const auto* error = std::get_if<CommandError>(&written)) {
    ReplyError(*error, now);
    return;
  }
  ++counters_.writes;
  Reply(std::string(1, kAck), now);
}

void Server::Reply(std::string chars, TimePoint now) {
  last_answer_ = chars;
  QueueSend(std::move(chars), now + options_.reaction_time);
}

void Server::ReplyError(CommandError error, TimePoint now) {
  ++counters_.errors_sent;
  Reply(std::string(1, kStx) + WithEtxAndBcc("(" + std::string(ErrorText(error)) + ")"), now);
}

void Server::EndSession(TimePoint now) {
  state_ = State::kIdle;
  authorised_ = false;
  last_answer_.clear();
  if (queued_baud_ != options_.initial_baud) QueueBaud(options_.initial_baud, now);
}

TimePoint Server::QueueSend(std::string chars, TimePoint due) {
  const TimePoint start = std::max(due, line_free_at_);
  line_free_at_ = start + WireTime(chars.size(), queued_baud_);
  pending_.push_back({start, Action{Action::Kind::kSend, std::move(chars), 0}});
  return line_free_at_;
}

void Server::QueueBaud(int baud, TimePoint due) {
  queued_baud_ = baud;
  pending_.push_back({std::max(due, line_free_at_), Action{Action::Kind::kSetBaud, {}, baud}});
}

std::string Server::ReadoutMessage() const {
  std::string body;
  for (const DataSet& set : provider_.Readout()) {
    body += Format(set);
    body += "\r\n";
  }
  body += "!\r\n";
  return std::string(1, kStx) + WithEtxAndBcc(std::move(body));
}

std::vector<Action> Server::Poll(TimePoint now) {
  RunTimeouts(now);
  std::vector<Action> due;
  while (!pending_.empty() && pending_.front().due <= now) {
    if (pending_.front().action.kind == Action::Kind::kSetBaud) {
      polled_baud_ = pending_.front().action.baud;
    }
    due.push_back(std::move(pending_.front().action));
    pending_.pop_front();
  }
  return due;
}

std::optional<TimePoint> Server::NextDeadline() const {
  std::optional<TimePoint> next;
  const auto consider = [&next](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (!pending_.empty()) consider(pending_.front().due);
  if (collecting_ != Collecting::kNothing) {
    consider(last_char_at_ + options_.inter_character_timeout + Duration(1));
  }
  if (state_ == State::kAwaitOption) consider(option_deadline_);
  if (state_ == State::kProgramming) consider(inactivity_deadline_);
  return next;
}

}  // namespace pro380::iec62056
