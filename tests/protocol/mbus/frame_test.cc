#include "protocol/mbus/frame.h"

#include <gtest/gtest.h>

namespace pro380::mbus {
namespace {

using Bytes = std::vector<uint8_t>;

// Manual appendix 2: "10 01 02 (checksum) 16 — Checksum is 01+02 = 03".
TEST(FrameTest, ShortFrameChecksumIsTheAppendixExample) {
  EXPECT_EQ(Encode(Frame{FrameKind::kShort, 0x01, 0x02, 0, {}}),
            (Bytes{0x10, 0x01, 0x02, 0x03, 0x16}));
}

// Manual appendix 2: "68 05 05 68 01 02 03 04 05 (checksum) 16 — 01+02+03+04+05 = 0x0F".
TEST(FrameTest, LongFrameChecksumIsTheAppendixExample) {
  EXPECT_EQ(Encode(Frame{FrameKind::kLong, 0x01, 0x02, 0x03, {0x04, 0x05}}),
            (Bytes{0x68, 0x05, 0x05, 0x68, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0F, 0x16}));
}

TEST(FrameTest, ChecksumWrapsModulo256) {
  EXPECT_EQ(Checksum(Bytes{0xFF, 0x02}), 0x01);
  EXPECT_EQ(Checksum(Bytes{}), 0x00);
}

// Reference §3.3, the Tasmota telegrams: SND_UD to 0 with CI B4 and checksum 07.
TEST(FrameTest, ControlFrameIsALongFrameWithoutData) {
  EXPECT_EQ(Encode(Frame{FrameKind::kLong, 0x53, 0x00, 0xB4, {}}),
            (Bytes{0x68, 0x03, 0x03, 0x68, 0x53, 0x00, 0xB4, 0x07, 0x16}));
  EXPECT_EQ(Encode(Frame{}), Bytes{0xE5});
}

TEST(FrameTest, FunctionIgnoresTheFrameCountBit) {
  EXPECT_EQ(RequestFunction(0x7B), kReqUd2);
  EXPECT_EQ(RequestFunction(0x5B), kReqUd2);
  EXPECT_EQ(RequestFunction(0x73), kSndUd);
  EXPECT_NE(RequestFunction(0x5A), kReqUd2);
}

}  // namespace
}  // namespace pro380::mbus
