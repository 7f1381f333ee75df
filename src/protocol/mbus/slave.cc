#include "protocol/mbus/slave.h"

#include <algorithm>
#include <array>

namespace pro380::mbus {
namespace {

constexpr uint8_t kMasterToSlave = 0x40;  // C field bit 6 (PRM): set in every master frame

bool IsSelection(const Frame& frame) {
  return frame.kind == FrameKind::kLong && RequestFunction(frame.control) == kSndUd &&
         (frame.ci == kCiSelection || frame.ci == kCiSelectionMode2);
}

// True when `pattern` (BCD, low byte first, F nibbles matching any digit) matches `digits`.
bool BcdMatches(std::span<const uint8_t> pattern, uint32_t digits) {
  for (const uint8_t byte : pattern) {
    const std::array<uint8_t, 2> nibbles = {static_cast<uint8_t>(byte & 0x0F),
                                            static_cast<uint8_t>(byte >> 4)};
    for (const uint8_t nibble : nibbles) {
      if (nibble != 0x0F && nibble != digits % 10) return false;
      digits /= 10;
    }
  }
  return true;
}

}  // namespace

bool Slave::Matches(const Frame& selection) const {
  const std::vector<uint8_t>& d = selection.data;
  if (d.size() < 8) return false;
  const Identification id = device_.Identity();
  // Mode 2 (CI 0x56) sends each multi-byte field high byte first.
  const bool mode2 = selection.ci == kCiSelectionMode2;
  std::array<uint8_t, 4> id_bytes = {d[0], d[1], d[2], d[3]};
  if (mode2) std::reverse(id_bytes.begin(), id_bytes.end());
  const uint16_t manufacturer =
      mode2 ? static_cast<uint16_t>((d[4] << 8) | d[5]) : static_cast<uint16_t>((d[5] << 8) | d[4]);
  if (!BcdMatches(id_bytes, id.id)) return false;
  if (manufacturer != 0xFFFF && manufacturer != id.manufacturer) return false;
  if (d[6] != 0xFF && d[6] != id.version) return false;
  if (d[7] != 0xFF && d[7] != id.medium) return false;
  if (d.size() == 8) return true;
  // Enhanced selection: a fabrication number record may follow (EN 13757-3 §7.4).
  auto records = ParseRecords(std::span(d).subspan(8));
  if (!records.ok()) return false;
  for (const ParsedRecord& r : *records) {
    if (r.header.vib.size != 1 || (r.header.vib.bytes[0] & 0x7F) != kVifFabricationNumber) {
      return false;
    }
    if (!IsBcd(r.header.data) || !BcdMatches(r.data, id.fabrication_number)) return false;
  }
  return true;
}

std::optional<std::vector<uint8_t>> Slave::Handle(const Frame& frame,
                                                  const RequestContext& context) {
  if (frame.kind == FrameKind::kSingle || (frame.control & kMasterToSlave) == 0) {
    ++counters_.ignored;
    return std::nullopt;
  }
  const uint8_t a = frame.address;
  const bool broadcast = a == kAddressBroadcastNoReply;
  std::optional<std::vector<uint8_t>> reply;
  if (IsSelection(frame) && (a == kAddressSecondary || a == kAddressBroadcastReply || broadcast)) {
    ++counters_.requests;
    EndSequence();
    const bool match = Matches(frame);
    if (match) {
      ++counters_.selections;
    } else if (selected_) {
      ++counters_.deselections;
    }
    selected_ = match;
    if (!match) return std::nullopt;  // the unselected keep silent
    reply = Encode(Frame{});
  } else {
    const bool addressed = (a <= kMaxPrimaryAddress && a == device_.PrimaryAddress()) ||
                           a == kAddressBroadcastReply || broadcast ||
                           (a == kAddressSecondary && selected_);
    if (!addressed) {
      ++(a == kAddressSecondary ? counters_.unselected : counters_.other_address);
      return std::nullopt;
    }
    ++counters_.requests;
    reply = Dispatch(frame, context);
    // SND_NKE to the selected slave, or to all, ends the selection (EN 13757-3 §7.4).
    if (RequestFunction(frame.control) == kSndNke && (a == kAddressSecondary || broadcast) &&
        selected_) {
      selected_ = false;
      ++counters_.deselections;
    }
  }
  if (broadcast) {
    ++counters_.broadcasts;
    return std::nullopt;
  }
  if (reply && reply->size() == 1) ++counters_.acks;
  return reply;
}

std::optional<std::vector<uint8_t>> Slave::Dispatch(const Frame& frame,
                                                    const RequestContext& context) {
  const uint8_t function = RequestFunction(frame.control);
  const bool short_frame = frame.kind == FrameKind::kShort;
  if (function == kReqUd2 && short_frame) return ReadOut(frame);
  EndSequence();
  if (function == kSndNke && short_frame) {
    // Link reset: the next REQ_UD2 starts a new readout whatever its FCB.
  } else if (function == kReqUd1 && short_frame) {
    // No class 1 (alarm) data: acknowledged (manual appendix 2: E5 unless data is sent).
  } else if (function == kSndUd && !short_frame) {
    HandleSendUserData(frame, context);
  } else {
    ++counters_.unsupported;
  }
  return Encode(Frame{});
}

void Slave::HandleSendUserData(const Frame& frame, const RequestContext& context) {
  const uint8_t ci = frame.ci;
  if (ci == kCiApplicationReset || ci == kCiRamReadout || ci == kCiEepromRead) {
    return;  // the next REQ_UD2 starts a new readout (sequence already ended)
  }
  if (ci == kCiSelection || ci == kCiSelectionMode2) {
    // A selection sent to the primary address selects (or deselects) this slave alone.
    const bool match = Matches(frame);
    if (match) ++counters_.selections;
    if (!match && selected_) ++counters_.deselections;
    selected_ = match;
    return;
  }
  if (ci == kCiDataSend) {
    auto records = ParseRecords(frame.data);
    if (records.ok() && !records->empty() && device_.WriteRecords(*records, context)) {
      ++counters_.writes;
    } else {
      ++counters_.writes_refused;
      application_error_ = true;
    }
    return;
  }
  const int baud = BaudOfCi(ci);
  if (baud != 0 && baud <= max_baud_ && frame.data.empty()) {
    if (device_.SetBaudRate(baud, context)) {
      ++counters_.baud_changes;
    } else {
      ++counters_.unsupported;
    }
    return;
  }
  ++counters_.unsupported;
}

std::vector<uint8_t> Slave::ReadOut(const Frame& frame) {
  const bool fcv = (frame.control & kFcvBit) != 0;
  const bool fcb = (frame.control & kFcbBit) != 0;
  const bool more = next_telegram_ < telegram_starts_.size();
  if (sequence_active_ && fcv && more && fcb == last_fcb_) {
    ++counters_.repeats;
    ++counters_.data_replies;
    return last_reply_;
  }
  std::size_t index = next_telegram_;
  if (!(sequence_active_ && fcv && more)) {
    readout_ = {};
    device_.AppendReadout(readout_);
    telegram_starts_ = {0};
    std::size_t start_byte = 0;
    for (std::size_t r = 0; r < readout_.ends.size(); ++r) {
      const std::size_t end = readout_.ends[r];
      const std::size_t begin = r == 0 ? 0 : readout_.ends[r - 1];
      if (end - start_byte > kRecordBytesPerTelegram && begin > start_byte) {
        telegram_starts_.push_back(r);
        start_byte = begin;
      }
    }
    index = 0;
  }
  last_reply_ = Telegram(index);
  next_telegram_ = index + 1;
  sequence_active_ = true;
  last_fcb_ = fcb;
  ++counters_.data_replies;
  return last_reply_;
}

std::vector<uint8_t> Slave::Telegram(std::size_t index) {
  const Identification id = device_.Identity();
  std::vector<uint8_t> data;
  AppendBcd(data, id.id, 4);
  data.push_back(static_cast<uint8_t>(id.manufacturer & 0xFF));
  data.push_back(static_cast<uint8_t>(id.manufacturer >> 8));
  data.push_back(id.version);
  data.push_back(id.medium);
  data.push_back(++access_number_);
  const uint8_t status = static_cast<uint8_t>(device_.StatusBits() & ~0x03) |
                         (application_error_ ? kStatusApplicationError : 0);
  application_error_ = false;
  data.push_back(status);
  data.push_back(0);  // signature: no encryption
  data.push_back(0);
  const std::size_t first = telegram_starts_[index];
  const bool last = index + 1 == telegram_starts_.size();
  const std::size_t end_record = last ? readout_.ends.size() : telegram_starts_[index + 1];
  const std::size_t from = first == 0 ? 0 : readout_.ends[first - 1];
  const std::size_t to = end_record == 0 ? 0 : readout_.ends[end_record - 1];
  data.insert(data.end(), readout_.bytes.begin() + static_cast<std::ptrdiff_t>(from),
              readout_.bytes.begin() + static_cast<std::ptrdiff_t>(to));
  if (!last) data.push_back(kDifMoreRecordsFollow);
  return Encode(
      Frame{FrameKind::kLong, kRspUd, device_.PrimaryAddress(), kCiResponse, std::move(data)});
}

}  // namespace pro380::mbus
