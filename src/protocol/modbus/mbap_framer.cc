#include "protocol/modbus/mbap_framer.h"

#include <cassert>

namespace pro380::modbus {
namespace {

uint16_t Word(std::span<const uint8_t> bytes, std::size_t offset) {
  return static_cast<uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

void AppendWord(std::vector<uint8_t>& out, uint16_t word) {
  out.push_back(static_cast<uint8_t>(word >> 8));
  out.push_back(static_cast<uint8_t>(word & 0xFF));
}

}  // namespace

void MbapFramer::Feed(std::span<const uint8_t> bytes) {
  if (failed_) return;
  counters_.bytes += bytes.size();
  if (consumed_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    consumed_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<MbapFrame> MbapFramer::Next() {
  while (!failed_) {
    const std::span<const uint8_t> pending = std::span(buffer_).subspan(consumed_);
    if (pending.size() < kMbapHeaderSize) return std::nullopt;
    const uint16_t length = Word(pending, 4);
    if (length < kMinMbapLength || length > kMaxMbapLength) {
      // The next ADU boundary is unknown: give up on the stream.
      failed_ = true;
      ++counters_.bad_length;
      buffer_.clear();
      consumed_ = 0;
      return std::nullopt;
    }
    const std::size_t size = kMbapHeaderSize - 1 + length;
    if (pending.size() < size) return std::nullopt;
    consumed_ += size;
    if (Word(pending, 2) != 0) {
      ++counters_.foreign_protocol;
      continue;
    }
    ++counters_.frames;
    MbapFrame frame;
    frame.transaction_id = Word(pending, 0);
    frame.unit_id = pending[6];
    frame.pdu.function = pending[7];
    frame.pdu.data.assign(pending.begin() + 8, pending.begin() + static_cast<std::ptrdiff_t>(size));
    return frame;
  }
  return std::nullopt;
}

std::vector<uint8_t> EncodeMbap(uint16_t transaction_id, uint8_t unit_id, const Pdu& pdu) {
  assert(pdu.data.size() + 1 <= kMaxPduSize);
  std::vector<uint8_t> adu;
  adu.reserve(kMbapHeaderSize + 1 + pdu.data.size());
  AppendWord(adu, transaction_id);
  AppendWord(adu, 0);
  AppendWord(adu, static_cast<uint16_t>(2 + pdu.data.size()));
  adu.push_back(unit_id);
  adu.push_back(pdu.function);
  adu.insert(adu.end(), pdu.data.begin(), pdu.data.end());
  return adu;
}

}  // namespace pro380::modbus
