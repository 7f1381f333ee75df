#include "app/mbus_traffic.h"

#include <cstdio>

#include "protocol/mbus/frame.h"
#include "protocol/mbus/records.h"
#include "protocol/mbus/slave.h"

namespace pro380::app {
namespace {

std::string Hex2(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02X", value & 0xFF);
  return text;
}

std::string Address(uint8_t a) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X", a);
  return text;
}

// The 8 digits of a BCD identification number, low byte first (mode 1) or high byte first
// (mode 2); wildcard nibbles show as F.
std::string IdDigits(std::span<const uint8_t> four, bool high_first = false) {
  std::string text;
  for (size_t i = 0; i < four.size(); ++i) text += Hex2(four[high_first ? i : four.size() - 1 - i]);
  return text;
}

std::string ShortFrame(uint8_t control, uint8_t address) {
  const uint8_t function = mbus::RequestFunction(control);
  if (function == mbus::kSndNke) return "SND_NKE " + Address(address);
  if (function == mbus::kReqUd2 || function == mbus::kReqUd1) {
    return std::string(function == mbus::kReqUd2 ? "REQ_UD2 " : "REQ_UD1 ") + Address(address) +
           ((control & mbus::kFcvBit) ? ((control & mbus::kFcbBit) ? " FCB=1" : " FCB=0") : "");
  }
  return "short frame C " + Hex2(control) + " A " + Address(address);
}

// Records in an RSP_UD or SND_UD data area, and whether a DIF 1F says more telegrams follow.
std::string RecordCount(std::span<const uint8_t> records) {
  auto parsed = mbus::ParseRecords(records);
  if (!parsed.ok()) return "records unreadable";
  size_t end = 0;
  if (!parsed->empty()) {
    const mbus::ParsedRecord& last = parsed->back();
    end = static_cast<size_t>(last.data.data() + last.data.size() - records.data());
  }
  bool more = false;
  for (size_t i = end; i < records.size(); ++i) {
    if (records[i] == mbus::kDifIdleFiller) continue;
    more = records[i] == mbus::kDifMoreRecordsFollow;
    break;
  }
  return std::to_string(parsed->size()) + (parsed->size() == 1 ? " record" : " records") +
         (more ? ", more follow" : "");
}

std::string LongFrame(uint8_t control, uint8_t address, uint8_t ci, std::span<const uint8_t> data) {
  const uint8_t function = mbus::RequestFunction(control);
  if ((control & 0x0F) == mbus::kRspUd && (control & 0x40) == 0) {
    if (ci != mbus::kCiResponse || data.size() < 12) {
      return "RSP_UD " + Address(address) + " CI " + Hex2(ci);
    }
    return "RSP_UD " + Address(address) + " id " + IdDigits(data.first(4)) + " " +
           RecordCount(data.subspan(12));
  }
  if (function != mbus::kSndUd) {
    return "long frame C " + Hex2(control) + " A " + Address(address) + " CI " + Hex2(ci);
  }
  if ((ci == mbus::kCiSelection || ci == mbus::kCiSelectionMode2) && data.size() >= 4) {
    const bool mode2 = ci == mbus::kCiSelectionMode2;
    return "select " + std::to_string(address) + " id " + IdDigits(data.first(4), mode2) +
           (mode2 ? " (mode 2)" : "");
  }
  std::string text = "SND_UD " + Address(address) + " CI " + Hex2(ci);
  if (ci == mbus::kCiDataSend) return text + " " + RecordCount(data);
  if (ci == mbus::kCiApplicationReset) return text + " application reset";
  if (const int baud = mbus::BaudOfCi(ci)) return text + " baud " + std::to_string(baud);
  return text;
}

}  // namespace

std::string DescribeMbusFrame(std::span<const uint8_t> frame, transport::FrameDirection) {
  if (frame.size() == 1 && frame[0] == mbus::kAck) return "E5 ack";
  if (frame.size() == 5 && frame[0] == mbus::kShortStart) return ShortFrame(frame[1], frame[2]);
  if (frame.size() >= 9 && frame[0] == mbus::kLongStart && frame[3] == mbus::kLongStart) {
    return LongFrame(frame[4], frame[5], frame[6], frame.subspan(7, frame.size() - 9));
  }
  return "not a frame";
}

std::string_view MbusDropNote(mbus::DropReason reason) {
  switch (reason) {
    case mbus::DropReason::kChecksum:
      return "dropped: checksum";
    case mbus::DropReason::kLength:
      return "dropped: length bytes";
    case mbus::DropReason::kStopByte:
      return "dropped: no stop byte";
    case mbus::DropReason::kIncomplete:
      return "dropped: incomplete (line idle)";
  }
  return "dropped";
}

}  // namespace pro380::app
