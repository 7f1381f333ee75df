#include "protocol/iec62056/client.h"

#include <algorithm>

namespace pro380::iec62056 {
namespace {

constexpr std::size_t kMaxIdentification = 5 + 16 + 2;  // /XXXZ, 16 characters, CR LF
constexpr std::size_t kMaxDataMessage = 32768;          // a readout; the PRO380's is ~2,300
constexpr std::size_t kMaxProgrammingAnswer = 512;

bool IsFieldCharacter(char c) {
  return c >= 0x20 && c < 0x7F && c != '(' && c != ')' && c != '*' && c != '/' && c != '!';
}

}  // namespace

std::string ClientError::Describe() const {
  switch (kind) {
    case ClientErrorKind::kTimeout:
      return "no answer";
    case ClientErrorKind::kBadBcc:
      return "an answer whose BCC or parity did not check";
    case ClientErrorKind::kMalformed:
      return "a malformed answer: " + detail;
    case ClientErrorKind::kNakRepeated:
      return "NAK to every repetition of the command";
  }
  return "error";
}

std::string SignOnMessage(std::string_view address) {
  return "/?" + std::string(address) + "!\r\n";
}

std::string OptionSelectMessage(char baud_character, bool programming) {
  return std::string{kAck, '0', baud_character, programming ? '1' : '0', '\r', '\n'};
}

std::string CommandMessage(std::string_view command, std::string_view data) {
  std::string body(command);
  if (!data.empty() || command != "B0") {
    body += kStx;
    body += data;
  }
  body += kEtx;
  return std::string(1, kSoh) + body + Bcc(body);
}

std::optional<std::vector<DataSet>> ParseDataBlock(std::string_view block) {
  std::vector<DataSet> sets;
  std::size_t at = 0;
  while (at < block.size()) {
    if (block[at] == '\r' || block[at] == '\n') {
      ++at;
      continue;
    }
    DataSet set;
    while (at < block.size() && block[at] != '(') {
      if (!IsFieldCharacter(block[at])) return std::nullopt;
      set.address += block[at++];
    }
    if (at == block.size()) return std::nullopt;  // no '('
    ++at;
    std::string* field = &set.value;
    while (at < block.size() && block[at] != ')') {
      const char c = block[at++];
      if (c == '*' && field == &set.value) {
        field = &set.unit;
      } else if (IsFieldCharacter(c)) {
        *field += c;
      } else {
        return std::nullopt;
      }
    }
    if (at == block.size()) return std::nullopt;  // no ')'
    ++at;
    sets.push_back(std::move(set));
  }
  return sets;
}

std::optional<Identification> ParseIdentification(std::string_view message) {
  if (message.size() < 5 || message.size() > 5 + 16 || message[0] != '/') return std::nullopt;
  Identification id;
  id.manufacturer = std::string(message.substr(1, 3));
  for (char c : id.manufacturer) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return std::nullopt;
  }
  id.baud_character = message[4];
  id.baud = BaudOfModeCCharacter(id.baud_character);
  id.identification = std::string(message.substr(5));
  for (char c : id.identification) {
    if (c < 0x20 || c >= 0x7F || c == '/' || c == '!') return std::nullopt;
  }
  return id;
}

IecClient::IecClient(ClientOptions options) : options_(options) {}

std::vector<uint8_t> IecClient::OnLine(std::string_view chars) const {
  std::vector<uint8_t> bytes;
  bytes.reserve(chars.size());
  for (char c : chars) {
    const auto seven = static_cast<uint8_t>(c);
    bytes.push_back(options_.parity_on_line ? AddEvenParity(seven) : seven);
  }
  return bytes;
}

ClientStep IecClient::Begin(std::string chars, Expecting expecting, TimePoint now) {
  ++counters_.exchanges;
  expecting_ = expecting;
  request_ = std::move(chars);
  scan_ = Scan::kStart;
  message_.clear();
  damaged_ = false;
  complete_ = false;
  inbox_.clear();
  consumed_ = 0;
  repeats_left_ = options_.repeats;
  deadline_ = now + options_.timeout;
  return {OnLine(request_), std::nullopt, std::nullopt};
}

ClientStep IecClient::SignOn(std::string_view address, TimePoint now) {
  identification_.reset();
  return Begin(SignOnMessage(address), Expecting::kIdentification, now);
}

std::optional<int> IecClient::SelectedBaud() const {
  if (!identification_ || !identification_->baud) return std::nullopt;
  const int limit = std::min(*identification_->baud, options_.max_baud);
  std::optional<int> chosen;
  for (int baud : kBaudTable) {
    if (baud <= limit) chosen = baud;
  }
  return chosen;
}

ClientStep IecClient::SelectOption(bool programming, TimePoint now) {
  const int baud = SelectedBaud().value_or(kBaudTable[0]);
  const char character = *BaudCharacter(baud, ProtocolMode::kC);
  ClientStep step = Begin(OptionSelectMessage(character, programming),
                          programming ? Expecting::kProgramming : Expecting::kReadout, now);
  step.baud_after_send = baud;
  return step;
}

ClientStep IecClient::SendPassword(std::string_view password, TimePoint now) {
  return Begin(CommandMessage("P1", "(" + std::string(password) + ")"), Expecting::kProgramming,
               now);
}

ClientStep IecClient::SendWrite(std::string_view address, std::string_view value, TimePoint now) {
  return Begin(CommandMessage("W1", Format({std::string(address), std::string(value), ""})),
               Expecting::kProgramming, now);
}

ClientStep IecClient::SendRead(std::string_view address, TimePoint now) {
  return Begin(CommandMessage("R1", std::string(address) + "()"), Expecting::kDataSet, now);
}

ClientStep IecClient::SignOff(TimePoint now) {
  ClientStep step = Begin(CommandMessage("B0", ""), Expecting::kNothing, now);
  step.outcome = Answer{};
  return step;
}

void IecClient::Accept(char c, bool damaged) {
  const bool programming =
      expecting_ == Expecting::kProgramming || expecting_ == Expecting::kDataSet;
  switch (scan_) {
    case Scan::kStart:
      if (expecting_ == Expecting::kIdentification && c == '/') {
        scan_ = Scan::kLine;
      } else if (expecting_ == Expecting::kReadout && c == kStx) {
        scan_ = Scan::kBlock;
      } else if (programming && (c == kStx || c == kSoh)) {
        scan_ = Scan::kBlock;
      } else if (programming && (c == kAck || c == kNak)) {
        complete_ = true;
      } else {
        ++counters_.skipped_chars;
        return;
      }
      message_ += c;
      damaged_ = damaged;
      return;
    case Scan::kLine:
      message_ += c;
      damaged_ = damaged_ || damaged;
      if (message_.size() >= 2 && message_.ends_with("\r\n")) complete_ = true;
      break;
    case Scan::kBlock:
      message_ += c;
      damaged_ = damaged_ || damaged;
      if (c == kEtx) scan_ = Scan::kBcc;
      break;
    case Scan::kBcc:
      message_ += c;
      damaged_ = damaged_ || damaged;
      complete_ = true;
      break;
  }
  const std::size_t limit = expecting_ == Expecting::kIdentification ? kMaxIdentification
                            : expecting_ == Expecting::kReadout      ? kMaxDataMessage
                                                                     : kMaxProgrammingAnswer;
  if (!complete_ && message_.size() > limit) complete_ = true;  // Evaluate calls it overlong
}

void IecClient::Feed(std::span<const uint8_t> bytes, TimePoint now) {
  if (!busy() || bytes.empty()) return;
  deadline_ = now + options_.timeout;
  counters_.chars += bytes.size();
  inbox_.insert(inbox_.end(), bytes.begin(), bytes.end());
}

void IecClient::Take(uint8_t byte) {
  bool damaged = false;
  if (options_.parity_on_line) {
    damaged = !StripEvenParity(byte);
    if (damaged) ++counters_.parity_errors;
  } else {
    damaged = byte > 0x7F;
  }
  byte &= 0x7F;
  if (damaged && scan_ == Scan::kStart) {
    ++counters_.skipped_chars;
    return;
  }
  Accept(static_cast<char>(byte), damaged);
}

ClientStep IecClient::Finish(ClientOutcome outcome) {
  expecting_ = Expecting::kNothing;
  complete_ = false;
  if (auto* error = std::get_if<ClientError>(&outcome)) {
    if (error->kind == ClientErrorKind::kMalformed) ++counters_.malformed;
  } else if (std::get<Answer>(outcome).kind == AnswerKind::kError) {
    ++counters_.error_messages;
  }
  ClientStep step;
  step.outcome = std::move(outcome);
  return step;
}

ClientStep IecClient::Repeat(bool nak, TimePoint now) {
  if (repeats_left_ == 0) {
    return Finish(ClientError{nak ? ClientErrorKind::kNakRepeated : ClientErrorKind::kBadBcc, ""});
  }
  --repeats_left_;
  if (nak) {
    ++counters_.naks_received;
  } else {
    ++counters_.naks_sent;
  }
  scan_ = Scan::kStart;
  message_.clear();
  damaged_ = false;
  complete_ = false;
  deadline_ = now + options_.timeout;
  return {nak ? OnLine(request_) : OnLine(std::string(1, kNak)), std::nullopt, std::nullopt};
}

ClientStep IecClient::Evaluate(TimePoint now) {
  const auto malformed = [this](std::string detail) {
    return Finish(ClientError{ClientErrorKind::kMalformed, std::move(detail)});
  };
  const std::size_t limit = expecting_ == Expecting::kIdentification ? kMaxIdentification
                            : expecting_ == Expecting::kReadout      ? kMaxDataMessage
                                                                     : kMaxProgrammingAnswer;
  if (message_.size() > limit) {
    return malformed("longer than " + std::to_string(limit) + " characters");
  }
  if (expecting_ == Expecting::kIdentification) {
    if (damaged_) {
      ++counters_.bcc_errors;
      return Finish(ClientError{ClientErrorKind::kBadBcc, ""});
    }
    auto id = ParseIdentification(std::string_view(message_).substr(0, message_.size() - 2));
    if (!id) return malformed("not an identification /XXXZ and up to 16 characters");
    identification_ = *id;
    Answer answer{AnswerKind::kIdentification, *id, {}, {}};
    return Finish(std::move(answer));
  }
  const bool programming = expecting_ != Expecting::kReadout;
  if (message_.size() == 1) {  // ACK or NAK
    if (damaged_) return Repeat(false, now);
    if (message_[0] == kNak) return Repeat(true, now);
    if (expecting_ == Expecting::kProgramming) return Finish(Answer{});
    return malformed("ACK to a read");
  }
  const std::string_view body = std::string_view(message_).substr(1, message_.size() - 2);
  if (damaged_ || Bcc(body) != message_.back()) {
    ++counters_.bcc_errors;
    if (programming) return Repeat(false, now);
    return Finish(ClientError{ClientErrorKind::kBadBcc, ""});
  }
  const std::string_view data = body.substr(0, body.size() - 1);  // without ETX
  if (!programming) {
    if (message_[0] != kStx || !data.ends_with("!\r\n")) {
      return malformed("a data message does not end with '!' CR LF ETX");
    }
    auto sets = ParseDataBlock(data.substr(0, data.size() - 3));
    if (!sets) return malformed("a data line is not address(value*unit)");
    return Finish(Answer{AnswerKind::kReadout, {}, std::move(*sets), {}});
  }
  if (message_[0] == kSoh) {
    const std::string_view p0 = "P0\x02(";
    if (expecting_ != Expecting::kProgramming || !data.starts_with(p0) || !data.ends_with(")")) {
      return malformed("a command message other than P0");
    }
    const std::string_view operand = data.substr(p0.size(), data.size() - p0.size() - 1);
    return Finish(Answer{AnswerKind::kOperand, {}, {}, std::string(operand)});
  }
  auto sets = ParseDataBlock(data);
  if (!sets || sets->size() != 1) return malformed("not one data set 'address(value)'");
  DataSet& set = sets->front();
  if (set.address.empty()) return Finish(Answer{AnswerKind::kError, {}, {}, set.value});
  if (expecting_ != Expecting::kDataSet) return malformed("a data set where ACK was expected");
  return Finish(Answer{AnswerKind::kDataSet, {}, {std::move(set)}, {}});
}

ClientStep IecClient::Poll(TimePoint now) {
  if (!busy()) return {};
  // One character at a time, so that an answer ends at the same character however the bytes
  // were cut into chunks; what follows a repeat request is the next answer.
  while (consumed_ < inbox_.size()) {
    Take(inbox_[consumed_++]);
    if (!complete_) continue;
    ClientStep step = Evaluate(now);
    if (step.outcome) {
      counters_.skipped_chars += inbox_.size() - consumed_;  // after the answer
      inbox_.clear();
      consumed_ = 0;
    }
    return step;
  }
  inbox_.clear();
  consumed_ = 0;
  if (now >= deadline_) {
    ++counters_.timeouts;
    return Finish(ClientError{ClientErrorKind::kTimeout, ""});
  }
  return {};
}

std::optional<TimePoint> IecClient::NextDeadline() const {
  if (!busy()) return std::nullopt;
  return deadline_;
}

}  // namespace pro380::iec62056
