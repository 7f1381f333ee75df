// M-Bus link layer frames (EN 13757-2 §5, FT1.2 of EN 60870-5-1/-2): the single character E5,
// the short frame `10 C A CS 16`, the control frame `68 03 03 68 C A CI CS 16` and the long
// frame `68 L L 68 C A CI data CS 16`. The checksum is the sum modulo 256 of the bytes from C to
// the last data byte (manual appendix 2: "from the 0x10 [exclusive] … from the second 0x68 to the
// checksum"). A control frame is a long frame without data; both are kLong here.
#ifndef PRO380_PROTOCOL_MBUS_FRAME_H_
#define PRO380_PROTOCOL_MBUS_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pro380::mbus {

inline constexpr uint8_t kAck = 0xE5;
inline constexpr uint8_t kShortStart = 0x10;
inline constexpr uint8_t kLongStart = 0x68;
inline constexpr uint8_t kStop = 0x16;

// C field (EN 13757-2 §5.5). FCB (frame count bit) and FCV (frame count bit valid) are the
// master's; a request's function is its C field with FCB masked.
inline constexpr uint8_t kFcbBit = 0x20;
inline constexpr uint8_t kFcvBit = 0x10;
inline constexpr uint8_t kSndNke = 0x40;
inline constexpr uint8_t kSndUd = 0x53;
inline constexpr uint8_t kReqUd2 = 0x5B;
inline constexpr uint8_t kReqUd1 = 0x5A;
inline constexpr uint8_t kRspUd = 0x08;

// A field (manual appendix 2).
inline constexpr uint8_t kMaxPrimaryAddress = 250;
// The selection CIs (EN 13757-3 §5.1), sent by a master and answered by slaves: mode 2 carries
// the ID and manufacturer high byte first.
inline constexpr uint8_t kCiSelection = 0x52;
inline constexpr uint8_t kCiSelectionMode2 = 0x56;
inline constexpr uint8_t kAddressSecondary = 253;  // the slave selected by secondary address
inline constexpr uint8_t kAddressBroadcastReply = 254;
inline constexpr uint8_t kAddressBroadcastNoReply = 255;

// Long frames carry at most 255 bytes from C on: C, A, CI and 252 data bytes.
inline constexpr std::size_t kMaxLongData = 252;

enum class FrameKind : uint8_t { kSingle, kShort, kLong };  // kSingle: the character E5

struct Frame {
  FrameKind kind = FrameKind::kSingle;
  uint8_t control = 0;
  uint8_t address = 0;
  uint8_t ci = 0;             // kLong only
  std::vector<uint8_t> data;  // kLong only, after CI (empty for a control frame)

  friend bool operator==(const Frame&, const Frame&) = default;
};

// Sum modulo 256.
uint8_t Checksum(std::span<const uint8_t> bytes);

// The bytes of `frame`. REQUIRES: data.size() <= kMaxLongData.
std::vector<uint8_t> Encode(const Frame& frame);

// The request function of a C field: FCB cleared (SND_UD and REQ_UD2 compare equal with FCB 0
// and 1).
constexpr uint8_t RequestFunction(uint8_t control) {
  return control & static_cast<uint8_t>(~kFcbBit);
}

}  // namespace pro380::mbus

#endif  // PRO380_PROTOCOL_MBUS_FRAME_H_
