#include "app/iec_traffic.h"

#include <algorithm>
#include <utility>

#include "protocol/iec62056/frames.h"

namespace pro380::app {
namespace {

using iec62056::kAck;
using iec62056::kEot;
using iec62056::kEtx;
using iec62056::kNak;
using iec62056::kSoh;
using iec62056::kStx;

constexpr size_t kShownData = 60;  // characters of a data field a reading shows

std::string Shorten(std::string_view text) {
  if (text.size() <= kShownData) return std::string(text);
  return std::string(text.substr(0, kShownData)) + "…";
}

std::string_view WithoutLineEnd(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The characters between STX and ETX/EOT (empty when there is no STX).
std::string_view DataField(std::string_view text) {
  const size_t stx = text.find(kStx);
  if (stx == std::string_view::npos) return {};
  const size_t end = text.find_first_of(std::string_view("\x03\x04", 2), stx + 1);
  return text.substr(stx + 1,
                     end == std::string_view::npos ? std::string_view::npos : end - stx - 1);
}

std::string Command(std::string_view text) {
  const std::string_view name = text.substr(1, std::min<size_t>(2, text.size() - 1));
  const std::string_view data = DataField(text);
  if (name == "B0") return "B0 break";
  if (name == "P1" || name == "P2") return std::string(name) + " password";
  return std::string(name) + (data.empty() ? "" : " " + Shorten(data));
}

std::string DataMessage(std::string_view text) {
  const std::string_view data = DataField(text);
  if (data.size() >= 3 && data.substr(data.size() - 3) == "!\r\n") {
    const auto sets = std::count(data.begin(), data.end(), '(');
    return "readout " + std::to_string(sets) + (sets == 1 ? " data set" : " data sets");
  }
  if (data.rfind("(ER", 0) == 0) return "error " + Shorten(data);
  return "data " + Shorten(data);
}

}  // namespace

std::string DescribeIecMessage(std::span<const uint8_t> message, transport::FrameDirection) {
  const std::string_view text(reinterpret_cast<const char*>(message.data()), message.size());
  if (text.empty()) return "";
  switch (text[0]) {
    case '/':
      return std::string(text.rfind("/?", 0) == 0 ? "sign-on " : "identification ") +
             Shorten(WithoutLineEnd(text));
    case kAck: {
      if (text.size() == 1) return "ACK";
      std::string option = "option ACK";
      for (char c : WithoutLineEnd(text.substr(1))) option += std::string(" ") + c;
      return option;
    }
    case kNak:
      return text.size() == 1 ? "NAK" : "NAK, then more";
    case kSoh:
      return Command(text);
    case kStx:
      return DataMessage(text);
    default:
      return "not a message";
  }
}

std::vector<IecMessageSplitter::Message> IecMessageSplitter::Feed(std::span<const uint8_t> chars) {
  std::vector<Message> out;
  for (uint8_t c : chars) Add(static_cast<char>(c), out);
  return out;
}

void IecMessageSplitter::Finish(std::vector<Message>& out, std::string_view note) {
  // A character with a parity error spoils the BCC too; the parity is the cause.
  if (pending_.find(static_cast<char>(kParityError)) != std::string::npos) {
    note = "dropped: parity error";
  }
  out.push_back({std::exchange(pending_, {}), note});
}

void IecMessageSplitter::Add(char c, std::vector<Message>& out) {
  // A lone ACK is a message of its own unless an option select's digits follow it.
  if (pending_.size() == 1 && pending_[0] == kAck && (c < '0' || c > '9')) Finish(out);
  if (pending_.empty()) {
    if (c == kNak) {
      pending_ = c;
      Finish(out);
    } else if (c == '/' || c == kAck || c == kSoh || c == kStx) {
      pending_ = c;
    }  // else noise between messages: the server skips and counts it
    return;
  }
  pending_ += c;
  const char first = pending_[0];
  if (first == '/' || first == kAck) {
    if (c == '\n') Finish(out);
  } else if (pending_.size() >= 2 &&
             (pending_[pending_.size() - 2] == kEtx || pending_[pending_.size() - 2] == kEot)) {
    // c is the BCC over everything after the SOH/STX up to and including ETX/EOT.
    const std::string_view covered = std::string_view(pending_).substr(1, pending_.size() - 2);
    Finish(out, iec62056::Bcc(covered) == c ? "" : "dropped: BCC");
    return;
  }
  if (pending_.size() > kMaxMessage) Finish(out, "dropped: too long");
}

}  // namespace pro380::app
