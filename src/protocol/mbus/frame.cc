#include "protocol/mbus/frame.h"

namespace pro380::mbus {

uint8_t Checksum(std::span<const uint8_t> bytes) {
  unsigned sum = 0;
  for (const uint8_t b : bytes) sum += b;
  return static_cast<uint8_t>(sum);
}

std::vector<uint8_t> Encode(const Frame& frame) {
  switch (frame.kind) {
    case FrameKind::kSingle:
      return {kAck};
    case FrameKind::kShort: {
      const uint8_t sum = static_cast<uint8_t>(frame.control + frame.address);
      return {kShortStart, frame.control, frame.address, sum, kStop};
    }
    case FrameKind::kLong:
      break;
  }
  const auto length = static_cast<uint8_t>(3 + frame.data.size());
  std::vector<uint8_t> out = {kLongStart,    length,        length,  kLongStart,
                              frame.control, frame.address, frame.ci};
  out.insert(out.end(), frame.data.begin(), frame.data.end());
  out.push_back(Checksum(std::span(out).subspan(4)));
  out.push_back(kStop);
  return out;
}

}  // namespace pro380::mbus
