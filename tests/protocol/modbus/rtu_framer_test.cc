#include "protocol/modbus/rtu_framer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace pro380::modbus {
namespace {

using std::chrono::microseconds;
using std::chrono::nanoseconds;

const std::vector<uint8_t> kEvc04Poll = {0x01, 0x03, 0x50, 0x0C, 0x00, 0x06, 0x14, 0xCB};

TEST(RtuTimingTest, NineThousandSixHundredEightE1) {
  const RtuTiming timing = TimingFor({9600, Parity::kEven, 1});
  EXPECT_EQ(timing.character, nanoseconds(1'145'834));  // 11 bits, rounded up
  EXPECT_EQ(timing.t1_5, nanoseconds(1'718'751));
  EXPECT_EQ(timing.t3_5, nanoseconds(4'010'419));
}

TEST(RtuTimingTest, ThreeHundredBaudTwoStopBitsNoParity) {
  const RtuTiming timing = TimingFor({300, Parity::kNone, 2});
  EXPECT_EQ(timing.character, nanoseconds(36'666'667));  // 11 bits
  EXPECT_EQ(timing.t3_5, nanoseconds(128'333'334));
}

TEST(RtuTimingTest, ParityNoneOneStopBitIsTenBits) {
  EXPECT_EQ(TimingFor({9600, Parity::kNone, 1}).character, nanoseconds(1'041'667));
}

TEST(RtuTimingTest, FixedTimersAbove19200Baud) {
  const RtuTiming at_19200 = TimingFor({19200, Parity::kEven, 1});
  EXPECT_EQ(at_19200.t3_5, nanoseconds(2'005'209));
  const RtuTiming at_38400 = TimingFor({38400, Parity::kEven, 1});
  EXPECT_EQ(at_38400.t1_5, microseconds(750));
  EXPECT_EQ(at_38400.t3_5, microseconds(1750));
}

class RtuFramerTest : public ::testing::Test {
 protected:
  RtuFramer framer_{LineSettings{}};
  const RtuTiming timing_ = framer_.timing();
  TimePoint now_{};

  void FeedBackToBack(const std::vector<uint8_t>& bytes) {
    now_ += timing_.character * static_cast<int64_t>(bytes.size());
    framer_.Feed(bytes, now_);
  }
};

TEST_F(RtuFramerTest, FrameEndsOnlyAfterT35) {
  FeedBackToBack(kEvc04Poll);
  EXPECT_EQ(framer_.NextDeadline(), now_ + timing_.t3_5);
  EXPECT_FALSE(framer_.Poll(now_ + timing_.t3_5 - nanoseconds(1)).has_value());
  const auto event = framer_.Poll(now_ + timing_.t3_5);
  ASSERT_TRUE(event.has_value());
  const auto& frame = std::get<RtuFrame>(*event);
  EXPECT_EQ(frame.address, 1);
  EXPECT_EQ(frame.pdu, (Pdu{0x03, {0x50, 0x0C, 0x00, 0x06}}));
  EXPECT_FALSE(framer_.NextDeadline().has_value());
}

TEST_F(RtuFramerTest, NextChunkAfterT35CompletesTheFrameWithoutAPoll) {
  FeedBackToBack(kEvc04Poll);
  now_ += timing_.t3_5;
  FeedBackToBack(kEvc04Poll);
  ASSERT_TRUE(framer_.Poll(now_).has_value());
  EXPECT_FALSE(framer_.Poll(now_).has_value()) << "the second frame is still open";
  EXPECT_TRUE(framer_.Poll(now_ + timing_.t3_5).has_value());
  EXPECT_EQ(framer_.counters().frames, 2u);
}

TEST_F(RtuFramerTest, SilenceBetweenT15AndT35DropsTheFrame) {
  FeedBackToBack({0x01, 0x03, 0x50, 0x0C});
  now_ += timing_.t1_5 + nanoseconds(1);
  FeedBackToBack({0x00, 0x06, 0x14, 0xCB});
  const auto event = framer_.Poll(now_ + timing_.t3_5);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(std::get<RtuFrameError>(*event), RtuFrameError::kGap);
  EXPECT_EQ(framer_.counters().gap_errors, 1u);
}

TEST_F(RtuFramerTest, SilenceOfExactlyT15IsAllowed) {
  FeedBackToBack({0x01, 0x03, 0x50, 0x0C});
  now_ += timing_.t1_5;
  FeedBackToBack({0x00, 0x06, 0x14, 0xCB});
  const auto event = framer_.Poll(now_ + timing_.t3_5);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(std::holds_alternative<RtuFrame>(*event));
}

TEST(RtuFramerOptionsTest, LenientFramerAcceptsAnInnerGap) {
  RtuFramer framer(LineSettings{}, RtuFramerOptions{.drop_frames_with_t1_5_gap = false});
  const RtuTiming timing = framer.timing();
  TimePoint now = TimePoint{} + 4 * timing.character;
  framer.Feed(std::vector<uint8_t>{0x01, 0x03, 0x50, 0x0C}, now);
  now += 3 * timing.character + 4 * timing.character;
  framer.Feed(std::vector<uint8_t>{0x00, 0x06, 0x14, 0xCB}, now);
  const auto event = framer.Poll(now + timing.t3_5);
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(std::holds_alternative<RtuFrame>(*event));
}

TEST_F(RtuFramerTest, AnOverlongFrameKeepsAtMost256BytesAndIsDropped) {
  FeedBackToBack(std::vector<uint8_t>(1000, 0x55));
  const auto event = framer_.Poll(now_ + timing_.t3_5);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(std::get<RtuFrameError>(*event), RtuFrameError::kTooLong);
  EXPECT_EQ(framer_.counters().bytes, 1000u);
}

TEST(EncodeRtuTest, AddsTheCrcLowByteFirst) {
  EXPECT_EQ(EncodeRtu(0x01, Pdu{0x03, {0x50, 0x0C, 0x00, 0x06}}), kEvc04Poll);
}

}  // namespace
}  // namespace pro380::modbus
