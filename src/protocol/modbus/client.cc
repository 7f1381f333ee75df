#include "protocol/modbus/client.h"

#include "base/crc16.h"

namespace pro380::modbus {
namespace {

constexpr uint8_t kExceptionBit = 0x80;

uint16_t Word(std::span<const uint8_t> bytes, std::size_t at) {
  return static_cast<uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

void PutWord(std::vector<uint8_t>& out, uint16_t word) {
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word & 0xFF));
}

ClientError Malformed(std::string detail) {
  return {ClientErrorKind::kMalformed, 0, std::move(detail)};
}

// The exception carried by `reply` to `request`, if it is one.
std::optional<ClientError> ExceptionOf(const Pdu& request, const Pdu& reply) {
  if (reply.function != (request.function | kExceptionBit)) return std::nullopt;
  if (reply.data.size() != 1) return Malformed("exception reply without exactly one code byte");
  return ClientError{ClientErrorKind::kException, reply.data[0], ""};
}

}  // namespace

Pdu ReadHoldingRegistersRequest(uint16_t start, uint16_t count) {
  Pdu pdu{static_cast<uint8_t>(FunctionCode::kReadHoldingRegisters), {}};
  PutWord(pdu.data, start);
  PutWord(pdu.data, count);
  return pdu;
}

Pdu ReadInputRegistersRequest(uint16_t start, uint16_t count) {
  Pdu pdu{static_cast<uint8_t>(FunctionCode::kReadInputRegisters), {}};
  PutWord(pdu.data, start);
  PutWord(pdu.data, count);
  return pdu;
}

Pdu WriteMultipleRegistersRequest(uint16_t start, std::span<const uint16_t> words) {
  Pdu pdu{static_cast<uint8_t>(FunctionCode::kWriteMultipleRegisters), {}};
  PutWord(pdu.data, start);
  PutWord(pdu.data, static_cast<uint16_t>(words.size()));
  pdu.data.push_back(static_cast<uint8_t>(2 * words.size()));
  for (uint16_t word : words) PutWord(pdu.data, word);
  return pdu;
}

std::string_view ExceptionName(uint8_t code) {
  switch (code) {
    case 0x01:
      return "illegal function";
    case 0x02:
      return "illegal data address";
    case 0x03:
      return "illegal data value";
    case 0x04:
      return "server device failure";
    case 0x05:
      return "acknowledge";
    case 0x06:
      return "server device busy";
    case 0x0A:
      return "gateway path unavailable";
    case 0x0B:
      return "gateway target failed to respond";
    default:
      return "unknown";
  }
}

std::string ClientError::Describe() const {
  switch (kind) {
    case ClientErrorKind::kTimeout:
      return "no reply";
    case ClientErrorKind::kException: {
      constexpr std::string_view kDigits = "0123456789ABCDEF";
      const std::string code = {kDigits[exception_code >> 4], kDigits[exception_code & 0xF]};
      return "exception " + code + " (" + std::string(ExceptionName(exception_code)) + ")";
    }
    case ClientErrorKind::kMalformed:
      return "malformed reply: " + detail;
  }
  return "";
}

std::variant<std::vector<uint16_t>, ClientError> ParseReadReply(const Pdu& request,
                                                                const Pdu& reply) {
  if (auto exception = ExceptionOf(request, reply)) return *exception;
  if (reply.function != request.function) return Malformed("function code differs");
  if (request.data.size() != 4) return Malformed("the request is not a read");
  const uint16_t count = Word(request.data, 2);
  if (reply.data.empty() || reply.data[0] != 2 * count || reply.data.size() != 1u + 2 * count) {
    return Malformed("byte count does not match " + std::to_string(count) + " registers");
  }
  std::vector<uint16_t> words(count);
  for (uint16_t i = 0; i < count; ++i) words[i] = Word(reply.data, 1 + 2 * i);
  return words;
}

std::optional<ClientError> CheckWriteReply(const Pdu& request, const Pdu& reply) {
  if (auto exception = ExceptionOf(request, reply)) return exception;
  if (reply.function != request.function) return Malformed("function code differs");
  if (reply.data.size() != 4 || request.data.size() < 4 ||
      !std::equal(reply.data.begin(), reply.data.end(), request.data.begin())) {
    return Malformed("the reply does not echo the written address and count");
  }
  return std::nullopt;
}

// --- RtuReplyFramer ---------------------------------------------------------------------------

RtuReplyFramer::RtuReplyFramer(uint8_t address, const Pdu& request)
    : address_(address), function_(request.function) {}

void RtuReplyFramer::Feed(std::span<const uint8_t> bytes) {
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  counters_.bytes += bytes.size();
}

std::optional<std::size_t> RtuReplyFramer::CandidateLength(std::span<const uint8_t> pending) const {
  if (pending[0] != address_) return 0;
  if (pending.size() < 2) return std::nullopt;
  const uint8_t function = pending[1];
  if (function == (function_ | kExceptionBit)) return 5;
  if (function != function_) return 0;
  switch (static_cast<FunctionCode>(function)) {
    case FunctionCode::kReadHoldingRegisters:
    case FunctionCode::kReadInputRegisters:
      if (pending.size() < 3) return std::nullopt;
      return std::size_t{5} + pending[2];  // address, function, byte count, data, CRC
    case FunctionCode::kWriteSingleRegister:
    case FunctionCode::kWriteMultipleRegisters:
    case FunctionCode::kDiagnostics:
      return 8;
  }
  return 0;  // a function this client never sends
}

std::optional<RtuFrame> RtuReplyFramer::Next() {
  while (consumed_ < buffer_.size()) {
    const std::span<const uint8_t> pending = std::span(buffer_).subspan(consumed_);
    const std::optional<std::size_t> length = CandidateLength(pending);
    if (!length) return std::nullopt;
    if (*length == 0) {
      ++consumed_;
      ++counters_.skipped_bytes;
      continue;
    }
    if (pending.size() < *length) return std::nullopt;
    const std::span<const uint8_t> frame = pending.first(*length);
    if (Crc16Modbus(frame) != 0) {
      if (!resynchronising_) ++counters_.crc_errors;
      resynchronising_ = true;
      ++consumed_;
      ++counters_.skipped_bytes;
      continue;
    }
    resynchronising_ = false;
    consumed_ += *length;
    ++counters_.frames;
    return RtuFrame{frame[0], Pdu{frame[1], {frame.begin() + 2, frame.end() - 2}}};
  }
  return std::nullopt;
}

// --- ModbusClient -----------------------------------------------------------------------------

ModbusClient::ModbusClient(ClientFraming framing, ClientOptions options)
    : framing_(framing), options_(options) {}

std::vector<uint8_t> ModbusClient::Encode() const {
  return framing_ == ClientFraming::kTcp ? EncodeMbap(transaction_id_, unit_, request_)
                                         : EncodeRtu(unit_, request_);
}

std::vector<uint8_t> ModbusClient::Start(uint8_t unit, const Pdu& request, TimePoint now) {
  busy_ = true;
  unit_ = unit;
  request_ = request;
  ++transaction_id_;
  attempts_left_ = options_.retries;
  deadline_ = now + options_.timeout;
  ++counters_.requests;
  ++counters_.attempts;
  if (framing_ == ClientFraming::kTcp) {
    mbap_.emplace();
  } else {
    rtu_.emplace(unit, request);
  }
  return Encode();
}

void ModbusClient::Feed(std::span<const uint8_t> bytes) {
  if (!busy_) return;
  if (mbap_) mbap_->Feed(bytes);
  if (rtu_) rtu_->Feed(bytes);
}

std::optional<Pdu> ModbusClient::TakeReply() {
  if (rtu_) {
    const uint64_t crc_before = rtu_->counters().crc_errors;
    const uint64_t skipped_before = rtu_->counters().skipped_bytes;
    std::optional<RtuFrame> frame = rtu_->Next();
    counters_.bad_frames += rtu_->counters().crc_errors - crc_before;
    counters_.skipped_bytes += rtu_->counters().skipped_bytes - skipped_before;
    if (frame) return std::move(frame->pdu);
    return std::nullopt;
  }
  while (std::optional<MbapFrame> frame = mbap_->Next()) {
    if (frame->transaction_id == transaction_id_ && frame->unit_id == unit_) {
      return std::move(frame->pdu);
    }
    ++counters_.stale;
  }
  if (mbap_->failed()) {
    // The stream cannot be delimited any more: a fresh framer takes what comes next (the
    // driver's retry reconnects nothing; the attempt simply times out unless a reply follows).
    ++counters_.bad_frames;
    mbap_.emplace();
  }
  return std::nullopt;
}

ClientStep ModbusClient::Poll(TimePoint now) {
  ClientStep step;
  if (!busy_) return step;
  if (std::optional<Pdu> reply = TakeReply()) {
    ++counters_.replies;
    busy_ = false;
    if (reply->function == (request_.function | kExceptionBit)) {
      ++counters_.exceptions;
    } else if (reply->function != request_.function) {
      ++counters_.malformed;
      step.outcome = Malformed("function code differs");
      return step;
    }
    step.outcome = std::move(*reply);
    return step;
  }
  if (now < deadline_) return step;
  ++counters_.timeouts;
  if (attempts_left_ > 0) {
    --attempts_left_;
    ++counters_.attempts;
    ++transaction_id_;
    deadline_ = now + options_.timeout;
    step.send = Encode();
    return step;
  }
  busy_ = false;
  step.outcome = ClientError{ClientErrorKind::kTimeout, 0, ""};
  return step;
}

std::optional<TimePoint> ModbusClient::NextDeadline() const {
  if (!busy_) return std::nullopt;
  return deadline_;
}

}  // namespace pro380::modbus
