#include "protocol/mbus/stream_framer.h"

#include <gtest/gtest.h>

namespace pro380::mbus {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr Duration kIdle = std::chrono::milliseconds(50);

std::vector<FramerEvent> EventsAtChunk(const Bytes& stream, std::size_t chunk,
                                       FramerCounters* counters = nullptr) {
  StreamFramer framer(kIdle);
  std::vector<FramerEvent> events;
  const TimePoint t{};
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(std::span(stream).subspan(at, std::min(chunk, stream.size() - at)), t);
    while (auto event = framer.Next(t)) events.push_back(std::move(*event));
  }
  if (counters) *counters = framer.counters();
  return events;
}

const Bytes kReqUd2 = {0x10, 0x5B, 0x00, 0x5B, 0x16};
const Bytes kTasmotaB4 = {0x68, 0x03, 0x03, 0x68, 0x53, 0x00, 0xB4, 0x07, 0x16};

TEST(StreamFramerTest, DelimitsEveryFrameKindAtEveryChunkSize) {
  Bytes stream = kTasmotaB4;
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  stream.push_back(0xE5);
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    const auto events = EventsAtChunk(stream, chunk);
    ASSERT_EQ(events.size(), 3u) << "chunk " << chunk;
    const Frame& first = std::get<Frame>(events[0]);
    EXPECT_EQ(first.kind, FrameKind::kLong);
    EXPECT_EQ(first.ci, 0xB4);
    EXPECT_TRUE(first.data.empty());
    EXPECT_EQ(std::get<Frame>(events[1]), (Frame{FrameKind::kShort, 0x5B, 0x00, 0, {}}));
    EXPECT_EQ(std::get<Frame>(events[2]).kind, FrameKind::kSingle);
  }
}

TEST(StreamFramerTest, NoiseBeforeAndBetweenFramesIsSkipped) {
  Bytes stream = {0x00, 0xFF, 0x42};
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  stream.insert(stream.end(), {0x33, 0x16});
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  FramerCounters counters;
  const auto events = EventsAtChunk(stream, 1, &counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(counters.frames, 2u);
  EXPECT_EQ(counters.skipped_bytes, 5u);
}

TEST(StreamFramerTest, AWrongChecksumIsDroppedAndTheNextFrameFound) {
  Bytes stream = {0x10, 0x5B, 0x00, 0x5C, 0x16};
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    FramerCounters counters;
    const auto events = EventsAtChunk(stream, chunk, &counters);
    ASSERT_EQ(events.size(), 2u) << chunk;
    EXPECT_EQ(std::get<DropReason>(events[0]), DropReason::kChecksum);
    EXPECT_EQ(std::get<Frame>(events[1]).control, 0x5B);
    EXPECT_EQ(counters.checksum_errors, 1u);
  }
}

TEST(StreamFramerTest, DifferentLengthBytesAreALengthError) {
  Bytes stream = {0x68, 0x03, 0x04, 0x68, 0x53, 0x00, 0xB4, 0x07, 0x16};
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  FramerCounters counters;
  const auto events = EventsAtChunk(stream, 1, &counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<DropReason>(events[0]), DropReason::kLength);
  EXPECT_EQ(std::get<Frame>(events[1]).control, 0x5B);
  EXPECT_EQ(counters.length_errors, 1u);
}

// A length byte that promises more than was sent holds the frame until the line is idle; then
// the candidate is dropped and a frame inside it is found.
TEST(StreamFramerTest, AnOverlongLengthIsDroppedAfterTheIdleTimeout) {
  Bytes stream = {0x68, 0x40, 0x40, 0x68, 0x53, 0x00};
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  StreamFramer framer(kIdle);
  const TimePoint t{};
  framer.Feed(stream, t);
  EXPECT_FALSE(framer.Next(t).has_value());
  ASSERT_EQ(framer.NextDeadline(), t + kIdle);
  EXPECT_FALSE(framer.Next(t + kIdle - std::chrono::microseconds(1)).has_value());
  auto drop = framer.Next(t + kIdle);
  ASSERT_TRUE(drop.has_value());
  EXPECT_EQ(std::get<DropReason>(*drop), DropReason::kIncomplete);
  auto frame = framer.Next(t + kIdle);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(std::get<Frame>(*frame).control, 0x5B);
  EXPECT_FALSE(framer.NextDeadline().has_value());
  EXPECT_EQ(framer.counters().incomplete, 1u);
}

TEST(StreamFramerTest, AMissingStopByteIsDropped) {
  Bytes stream = {0x10, 0x5B, 0x00, 0x5B, 0x17};
  stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  FramerCounters counters;
  const auto events = EventsAtChunk(stream, 3, &counters);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<DropReason>(events[0]), DropReason::kStopByte);
  EXPECT_EQ(counters.stop_errors, 1u);
}

TEST(StreamFramerTest, GluedFramesAreAllDelivered) {
  Bytes stream;
  for (int i = 0; i < 4; ++i) stream.insert(stream.end(), kReqUd2.begin(), kReqUd2.end());
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    EXPECT_EQ(EventsAtChunk(stream, chunk).size(), 4u);
  }
}

}  // namespace
}  // namespace pro380::mbus
