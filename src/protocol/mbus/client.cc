#include "protocol/mbus/client.h"

#include <algorithm>

namespace pro380::mbus {
namespace {

constexpr uint8_t kMasterBit = 0x40;  // C field PRM: set in every master frame
// RSP_UD's C field: 08, with ACD (0x20) and DFC (0x10) the slave may set.
constexpr uint8_t kSlaveFunctionMask = 0x0F;

std::string Hex2(uint8_t value) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return {kDigits[value >> 4], kDigits[value & 0x0F]};
}

std::string_view DropName(DropReason reason) {
  switch (reason) {
    case DropReason::kChecksum:
      return "a frame with a wrong checksum";
    case DropReason::kLength:
      return "a long frame with bad length bytes";
    case DropReason::kStopByte:
      return "a frame without its stop byte";
    case DropReason::kIncomplete:
      return "an unfinished frame";
  }
  return "a damaged frame";
}

void Add(FramerCounters& sum, const FramerCounters& more) {
  sum.bytes += more.bytes;
  sum.frames += more.frames;
  sum.checksum_errors += more.checksum_errors;
  sum.length_errors += more.length_errors;
  sum.stop_errors += more.stop_errors;
  sum.incomplete += more.incomplete;
  sum.skipped_bytes += more.skipped_bytes;
}

// "12FFFFFF" from 8 digits most significant first (kAnyDigit as F).
std::string DigitText(const std::array<uint8_t, 8>& digits) {
  std::string text;
  for (const uint8_t d : digits) text += d == kAnyDigit ? 'F' : static_cast<char>('0' + d);
  return text;
}

// The 8 digits as 4 BCD bytes, low byte first: byte 0 holds the last two digits.
void AppendBcdLowFirst(const std::array<uint8_t, 8>& digits, std::vector<uint8_t>& out) {
  for (std::size_t i = 8; i > 0; i -= 2) {
    out.push_back(static_cast<uint8_t>((digits[i - 2] << 4) | digits[i - 1]));
  }
}

}  // namespace

std::optional<std::array<uint8_t, 8>> SecondaryMask::DigitsFromText(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  std::array<uint8_t, 8> digits{};
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits[i] = static_cast<uint8_t>(c - '0');
    } else if (c == 'F' || c == 'f') {
      digits[i] = kAnyDigit;
    } else {
      return std::nullopt;
    }
  }
  return digits;
}

std::optional<SecondaryMask> SecondaryMask::FromText(std::string_view id) {
  auto digits = DigitsFromText(id);
  if (!digits) return std::nullopt;
  SecondaryMask mask;
  mask.digits = *digits;
  return mask;
}

SecondaryMask SecondaryMask::ForId(uint32_t id) {
  SecondaryMask mask;
  for (std::size_t i = 8; i > 0; --i) {
    mask.digits[i - 1] = static_cast<uint8_t>(id % 10);
    id /= 10;
  }
  return mask;
}

std::optional<SecondaryMask> SecondaryMask::FromFullText(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  auto mask = FromText(text.substr(0, 8));
  if (!mask) return std::nullopt;
  uint8_t bytes[4] = {};
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = text[8 + i];
    int nibble = 0;
    if (c >= '0' && c <= '9') {
      nibble = c - '0';
    } else if (c >= 'A' && c <= 'F') {
      nibble = c - 'A' + 10;
    } else if (c >= 'a' && c <= 'f') {
      nibble = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    bytes[i / 2] = static_cast<uint8_t>(bytes[i / 2] << 4 | nibble);
  }
  mask->manufacturer = static_cast<uint16_t>(bytes[0] | bytes[1] << 8);
  mask->version = bytes[2];
  mask->medium = bytes[3];
  return mask;
}

std::string SecondaryMask::FullText() const {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string text = IdText();
  for (const int byte : {manufacturer & 0xFF, manufacturer >> 8, int{version}, int{medium}}) {
    text += kHex[static_cast<std::size_t>(byte >> 4)];
    text += kHex[static_cast<std::size_t>(byte & 0x0F)];
  }
  return text;
}

std::string SecondaryMask::Text() const {
  const bool id_only =
      manufacturer == kAnyManufacturer && version == kAnyByte && medium == kAnyByte;
  std::string text = id_only ? IdText() : FullText();
  if (fabrication) text += " fabrication number " + DigitText(*fabrication);
  if (mode2) text += " (mode 2)";
  return text;
}

std::string SecondaryMask::IdText() const { return DigitText(digits); }

Frame SndNkeRequest(uint8_t address) { return {FrameKind::kShort, kSndNke, address, 0, {}}; }

Frame ReqUd2Request(uint8_t address, bool fcb) {
  const auto control = static_cast<uint8_t>(kReqUd2 | kFcvBit | (fcb ? kFcbBit : 0));
  return {FrameKind::kShort, control, address, 0, {}};
}

Frame SelectionRequest(const SecondaryMask& mask) {
  std::vector<uint8_t> data;
  AppendBcdLowFirst(mask.digits, data);
  data.push_back(static_cast<uint8_t>(mask.manufacturer & 0xFF));
  data.push_back(static_cast<uint8_t>(mask.manufacturer >> 8));
  if (mask.mode2) {
    std::reverse(data.begin(), data.begin() + 4);
    std::swap(data[4], data[5]);
  }
  data.push_back(mask.version);
  data.push_back(mask.medium);
  if (mask.fabrication) {
    data.push_back(kDifBcd8);
    data.push_back(kVifFabricationNumber);
    AppendBcdLowFirst(*mask.fabrication, data);
  }
  return SendUserDataRequest(kAddressSecondary, mask.mode2 ? kCiSelectionMode2 : kCiSelection,
                             std::move(data));
}

Frame SendUserDataRequest(uint8_t address, uint8_t ci, std::vector<uint8_t> data) {
  return {FrameKind::kLong, kSndUd, address, ci, std::move(data)};
}

std::string ManufacturerText(uint16_t manufacturer) {
  std::string text;
  for (int shift = 10; shift >= 0; shift -= 5) {
    const int letter = (manufacturer >> shift) & 0x1F;
    text += letter >= 1 && letter <= 26 ? static_cast<char>('A' + letter - 1) : '?';
  }
  return text;
}

FixedHeader ParseFixedHeader(std::span<const uint8_t, kFixedHeaderSize> bytes) {
  FixedHeader header;
  if (auto id = DecodeBcd(bytes.first(4)); id && *id >= 0) {
    header.id = static_cast<uint32_t>(*id);
    header.id_valid = true;
  }
  header.manufacturer = static_cast<uint16_t>(bytes[4] | (bytes[5] << 8));
  header.version = bytes[6];
  header.medium = bytes[7];
  header.access_number = bytes[8];
  header.status = bytes[9];
  header.signature = static_cast<uint16_t>(bytes[10] | (bytes[11] << 8));
  return header;
}

Operation Operation::Reset(uint8_t address, bool detect_collision) {
  Operation op;
  op.kind = OperationKind::kReset;
  op.address = address;
  op.detect_collision = detect_collision;
  return op;
}

Operation Operation::ReadOut(uint8_t address) {
  Operation op;
  op.kind = OperationKind::kReadout;
  op.address = address;
  return op;
}

Operation Operation::Select(const SecondaryMask& mask) {
  Operation op;
  op.kind = OperationKind::kSelect;
  op.address = kAddressSecondary;
  op.mask = mask;
  op.detect_collision = true;
  return op;
}

Operation Operation::Send(uint8_t address, uint8_t ci, std::vector<uint8_t> data) {
  Operation op;
  op.kind = OperationKind::kSend;
  op.address = address;
  op.ci = ci;
  op.data = std::move(data);
  return op;
}

std::string ClientError::Describe() const {
  switch (kind) {
    case ClientErrorKind::kTimeout:
      return "no reply";
    case ClientErrorKind::kCollision:
      return "collision or garbled reply: " + detail;
    case ClientErrorKind::kMalformed:
      return "malformed reply: " + detail;
  }
  return detail;
}

MbusClient::MbusClient(ClientOptions options) : options_(options), framer_(options.frame_gap) {}

FramerCounters MbusClient::framer_counters() const {
  FramerCounters sum = past_framers_;
  Add(sum, framer_.counters());
  return sum;
}

void MbusClient::NewFramer() {
  Add(past_framers_, framer_.counters());
  framer_ = StreamFramer(options_.frame_gap);
}

std::vector<uint8_t> MbusClient::Send(Frame frame, TimePoint now) {
  NewFramer();  // bytes of an earlier attempt are not this one's reply
  request_ = std::move(frame);
  phase_ = Phase::kWaiting;
  deadline_ = now + options_.timeout;
  ++counters_.requests;
  return Encode(request_);
}

std::vector<uint8_t> MbusClient::Start(const Operation& operation, TimePoint now) {
  operation_ = operation;
  attempts_left_ = options_.retries;
  readout_ = {};
  fcb_ = true;
  ++counters_.operations;
  switch (operation.kind) {
    case OperationKind::kReset:
      return Send(SndNkeRequest(operation.address), now);
    case OperationKind::kReadout:
      return Send(ReqUd2Request(operation.address, fcb_), now);
    case OperationKind::kSelect:
      return Send(SelectionRequest(operation.mask), now);
    case OperationKind::kSend:
      return Send(SendUserDataRequest(operation.address, operation.ci, operation.data), now);
  }
  return {};
}

void MbusClient::Feed(std::span<const uint8_t> bytes, TimePoint at) {
  if (phase_ == Phase::kIdle || bytes.empty()) return;
  last_byte_at_ = at;
  if (phase_ == Phase::kDraining) return;  // the rest of a damaged reply
  framer_.Feed(bytes, at);
}

ClientStep MbusClient::Finish(ClientOutcome outcome) {
  phase_ = Phase::kIdle;
  return {{}, std::move(outcome)};
}

ClientStep MbusClient::Fail(ClientErrorKind kind, std::string detail) {
  if (kind == ClientErrorKind::kCollision) ++counters_.collisions;
  if (kind == ClientErrorKind::kMalformed) ++counters_.malformed;
  return Finish(ClientError{kind, std::move(detail)});
}

std::optional<ClientStep> MbusClient::TakeTelegram(Frame frame, TimePoint now) {
  const std::string from = "RSP_UD from address " + std::to_string(frame.address);
  if (frame.ci != kCiResponseLong) {
    return Fail(ClientErrorKind::kMalformed, from + " with CI " + Hex2(frame.ci) + ", not 72");
  }
  if (operation_.address <= kMaxPrimaryAddress && frame.address != operation_.address) {
    return Fail(ClientErrorKind::kMalformed,
                from + " to a request to " + std::to_string(operation_.address));
  }
  if (frame.data.size() < kFixedHeaderSize) {
    return Fail(ClientErrorKind::kMalformed, from + " shorter than its fixed header");
  }
  const std::span<const uint8_t> body = std::span(frame.data).subspan(kFixedHeaderSize);
  auto parsed = ParseTelegramRecords(body);
  if (!parsed.ok()) {
    return Fail(ClientErrorKind::kMalformed, from + ": " + parsed.status().message());
  }
  ++counters_.replies;
  if (readout_.telegrams == 0) {
    readout_.address = frame.address;
    readout_.header = ParseFixedHeader(std::span(frame.data).first<kFixedHeaderSize>());
  }
  ++readout_.telegrams;
  readout_.records.insert(readout_.records.end(), body.begin(),
                          body.begin() + static_cast<std::ptrdiff_t>(parsed->records_size));
  if (parsed->tail_dif != kDifMoreRecordsFollow) return Finish(std::move(readout_));
  if (readout_.telegrams >= kMaxTelegrams) {
    return Fail(ClientErrorKind::kMalformed,
                "more than " + std::to_string(kMaxTelegrams) + " telegrams in one readout");
  }
  fcb_ = !fcb_;
  attempts_left_ = options_.retries;
  return ClientStep{Send(ReqUd2Request(operation_.address, fcb_), now), std::nullopt};
}

std::optional<ClientStep> MbusClient::TakeFrame(Frame frame, TimePoint now) {
  // Any frame after the E5, even one shaped like a request, is a second sender on the line; the
  // echo of our own request comes before the E5, never after it.
  if (phase_ == Phase::kSettling) {
    return Fail(ClientErrorKind::kCollision, "more than one reply");
  }
  if (frame.kind != FrameKind::kSingle && (frame.control & kMasterBit) != 0) {
    ++counters_.ignored;  // an echo of a request or another master's: not a reply
    return std::nullopt;
  }
  const bool wants_data = operation_.kind == OperationKind::kReadout;
  if (frame.kind == FrameKind::kLong && wants_data &&
      (frame.control & kSlaveFunctionMask) == kRspUd) {
    return TakeTelegram(std::move(frame), now);
  }
  if (frame.kind == FrameKind::kSingle && !wants_data) {
    ++counters_.replies;
    if (!operation_.detect_collision) return Finish(Acknowledged{});
    phase_ = Phase::kSettling;
    deadline_ = now + options_.settle;
    settle_bytes_ = framer_.counters().bytes;
    settle_skipped_ = framer_.counters().skipped_bytes;
    return std::nullopt;
  }
  const std::string got =
      frame.kind == FrameKind::kSingle ? std::string("E5")
      : frame.kind == FrameKind::kShort
          ? "a short frame with C " + Hex2(frame.control)
          : "a long frame with C " + Hex2(frame.control) + " CI " + Hex2(frame.ci);
  return Fail(ClientErrorKind::kMalformed,
              got + " where " + (wants_data ? "an RSP_UD" : "E5") + " was expected");
}

ClientStep MbusClient::TakeDamage(DropReason reason, TimePoint now) {
  // A meter asked by its own address (or selected) whose telegram arrives damaged was most
  // likely hit by line noise; the same REQ_UD2 (FCB unchanged) makes it repeat the telegram. Two
  // meters at one address garble every attempt and still end as a collision.
  if (operation_.kind == OperationKind::kReadout && phase_ == Phase::kWaiting &&
      attempts_left_ > 0) {
    --attempts_left_;
    ++counters_.damaged;
    phase_ = Phase::kDraining;
    return Poll(now);
  }
  return Fail(ClientErrorKind::kCollision, "heard " + std::string(DropName(reason)));
}

ClientStep MbusClient::Poll(TimePoint now) {
  if (phase_ == Phase::kIdle) return {};
  if (phase_ == Phase::kDraining) {
    if (now < last_byte_at_ + options_.frame_gap) return {};
    Frame again = request_;
    return {Send(std::move(again), now), std::nullopt};
  }
  while (auto event = framer_.Next(now)) {
    if (const auto* reason = std::get_if<DropReason>(&*event)) return TakeDamage(*reason, now);
    if (auto step = TakeFrame(std::get<Frame>(std::move(*event)), now)) return std::move(*step);
  }
  if (phase_ == Phase::kSettling) {
    // Bytes fed after the E5, skipped as noise after it, or a frame starting after it.
    const FramerCounters& c = framer_.counters();
    if (c.bytes != settle_bytes_ || c.skipped_bytes != settle_skipped_ || framer_.NextDeadline()) {
      return Fail(ClientErrorKind::kCollision, "more bytes after the E5");
    }
    if (now >= deadline_) return Finish(Acknowledged{});
    return {};
  }
  if (now < deadline_) return {};
  // A reply still arriving: the framer's idle deadline decides, not the timeout.
  if (auto idle = framer_.NextDeadline(); idle && now < *idle) return {};
  ++counters_.timeouts;
  if (attempts_left_ > 0) {
    --attempts_left_;
    Frame again = request_;
    return {Send(std::move(again), now), std::nullopt};
  }
  return Finish(ClientError{ClientErrorKind::kTimeout, {}});
}

std::optional<TimePoint> MbusClient::NextDeadline() const {
  if (phase_ == Phase::kIdle) return std::nullopt;
  if (phase_ == Phase::kDraining) return last_byte_at_ + options_.frame_gap;
  // A frame still arriving is finished or dropped at the framer's idle deadline, whether that
  // is before the timeout (then it is garbled) or after it (a long reply at a low baud rate).
  if (phase_ == Phase::kWaiting) {
    if (auto idle = framer_.NextDeadline()) return *idle;
  }
  return deadline_;
}

}  // namespace pro380::mbus
