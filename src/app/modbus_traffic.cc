#include "app/modbus_traffic.h"

#include <cstdio>

namespace pro380::app {
namespace {

uint16_t Word(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

std::string Format(const char* format, unsigned a, unsigned b = 0, unsigned c = 0) {
  char text[96];
  std::snprintf(text, sizeof text, format, a, b, c);
  return text;
}

// The reading of one PDU (function code and data) sent to or from `unit`.
std::string DescribePdu(unsigned unit, std::span<const uint8_t> pdu, bool request) {
  if (pdu.empty()) return "empty PDU";
  const unsigned fc = pdu[0];
  std::string text = Format("unit %u FC%02X ", unit, fc);
  if (fc & 0x80) {
    return text + (pdu.size() >= 2 ? Format("exception %02X", pdu[1]) : "exception (no code)");
  }
  const auto data = pdu.subspan(1);
  switch (fc) {
    case 0x03:
    case 0x04:
      if (request && data.size() == 4) {
        return text + Format("read 0x%04X x%u", Word(data, 0), Word(data, 2));
      }
      if (!request && !data.empty()) return text + Format("%u bytes", data[0]);
      break;
    case 0x06:
      if (data.size() == 4) {
        return text + Format("write 0x%04X = 0x%04X", Word(data, 0), Word(data, 2));
      }
      break;
    case 0x10:
      if (data.size() >= 4) {
        return text + Format("write 0x%04X x%u", Word(data, 0), Word(data, 2));
      }
      break;
    case 0x08:
      if (data.size() >= 2) return text + Format("diagnostics sub 0x%04X", Word(data, 0));
      break;
    default:
      return text + "function not served";
  }
  return text + "malformed";
}

bool IsRequest(transport::FrameDirection direction) {
  return direction == transport::FrameDirection::kReceived;
}

}  // namespace

std::string DescribeMbapFrame(std::span<const uint8_t> frame, transport::FrameDirection direction) {
  if (frame.size() < 8) return "short MBAP frame";
  return Format("tid %u ", Word(frame, 0)) +
         DescribePdu(frame[6], frame.subspan(7), IsRequest(direction));
}

std::string DescribeRtuFrame(std::span<const uint8_t> frame, transport::FrameDirection direction) {
  if (frame.size() < 4) return "short RTU frame";
  return DescribePdu(frame[0], frame.subspan(1, frame.size() - 3), IsRequest(direction));
}

}  // namespace pro380::app
