#include "protocol/modbus/rtu_stream_framer.h"

#include <gtest/gtest.h>

#include <vector>

namespace pro380::modbus {
namespace {

std::vector<RtuEvent> EventsAtChunk(const std::vector<uint8_t>& stream, std::size_t chunk) {
  RtuStreamFramer framer;
  std::vector<RtuEvent> events;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(std::span(stream).subspan(at, std::min(chunk, stream.size() - at)));
    while (auto event = framer.Next()) events.push_back(std::move(*event));
  }
  return events;
}

// Found by the modbus_tcp fuzz target: an FC10 header promising many data bytes was dropped as
// "no frame" at 256 bytes when fed byte by byte, but delimited when fed whole. The longest
// request (FC10 of 123 registers, 255 bytes) is waited for in full at every chunking.
TEST(RtuStreamFramerTest, TheLongestKnownLengthIsWaitedForAtEveryChunking) {
  std::vector<uint8_t> stream = {0x2A, 0x10, 0x00, 0x00, 0x00, 0x7B, 0xF6};
  stream.resize(255, 0x00);
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    const auto events = EventsAtChunk(stream, chunk);
    ASSERT_EQ(events.size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(std::get<RtuFrameError>(events[0]), RtuFrameError::kCrc) << "chunk " << chunk;
  }
}

// A multiple write whose byte count disagrees with its quantity cannot start a request, so noise
// that happens to carry 0x10 does not hold the stream for hundreds of bytes.
TEST(RtuStreamFramerTest, AMultipleWriteHeaderThatDisagreesWithItselfIsNoise) {
  const Pdu poll{0x03, {0x50, 0x0C, 0x00, 0x06}};
  for (const std::vector<uint8_t>& header :
       {std::vector<uint8_t>{0x2A, 0x10, 0x00, 0x00, 0x00, 0x7F, 0xFF},     // 127 > 123 registers
        std::vector<uint8_t>{0x2A, 0x10, 0x00, 0x00, 0x00, 0x02, 0x05},     // 5 bytes for 2
        std::vector<uint8_t>{0x2A, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00},     // no register
        std::vector<uint8_t>{0x2A, 0x0F, 0x00, 0x00, 0x00, 0x09, 0x01}}) {  // 9 coils in 1 byte
    std::vector<uint8_t> stream = header;
    const std::vector<uint8_t> frame = EncodeRtu(0x01, poll);
    stream.insert(stream.end(), frame.begin(), frame.end());
    for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
      const auto events = EventsAtChunk(stream, chunk);
      ASSERT_FALSE(events.empty()) << "chunk " << chunk;
      EXPECT_EQ(events.back(), RtuEvent(RtuFrame{0x01, poll})) << "chunk " << chunk;
    }
  }
}

// Found by the end-to-end tests (tests/integration/modbus_bad_input_test.py): one stray byte
// before the EVC04 poll made `FF 01` an FC01 request whose CRC failed; dropping all 8 bytes left
// the poll's last byte in front of the next poll, and so on: the connection never answered again.
// A failed candidate now costs one byte, so the poll behind it is found.
TEST(RtuStreamFramerTest, AStrayByteBeforeARequestCostsOnlyItself) {
  const Pdu poll{0x03, {0x50, 0x0C, 0x00, 0x06}};
  const std::vector<uint8_t> frame = EncodeRtu(0x01, poll);
  for (const uint8_t stray : {uint8_t{0xFF}, uint8_t{0x00}, uint8_t{0x01}, uint8_t{0x03}}) {
    std::vector<uint8_t> stream = {stray};
    for (int k = 0; k < 3; ++k) stream.insert(stream.end(), frame.begin(), frame.end());
    for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
      std::vector<RtuEvent> frames;
      for (const RtuEvent& e : EventsAtChunk(stream, chunk)) {
        if (std::holds_alternative<RtuFrame>(e)) frames.push_back(e);
      }
      EXPECT_EQ(frames.size(), 3u) << "stray " << int{stray} << ", chunk " << chunk;
    }
  }
}

// A damaged request is one error; the good request right behind it is answered.
TEST(RtuStreamFramerTest, ADamagedRequestIsOneErrorAndTheNextIsFound) {
  const Pdu poll{0x03, {0x50, 0x0C, 0x00, 0x06}};
  std::vector<uint8_t> stream = EncodeRtu(0x01, poll);
  stream.back() ^= 0x01;
  const std::vector<uint8_t> good = EncodeRtu(0x01, poll);
  stream.insert(stream.end(), good.begin(), good.end());
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    const auto events = EventsAtChunk(stream, chunk);
    EXPECT_EQ(events, (std::vector<RtuEvent>{RtuFrameError::kCrc, RtuFrame{0x01, poll}}))
        << "chunk " << chunk;
  }
}

// The byte just before a frame pairs with the frame's address as (address, function code), so
// the noise is only skipped at once when the frame's address is no function code either (0x81).
TEST(RtuStreamFramerTest, BytesBeforeAnImpossibleFunctionCodeAreSkippedAtOnce) {
  std::vector<uint8_t> stream(300, 0xFF);
  const Pdu poll{0x03, {0x50, 0x0C, 0x00, 0x06}};
  const std::vector<uint8_t> frame = EncodeRtu(0x81, poll);
  stream.insert(stream.end(), frame.begin(), frame.end());
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, stream.size()}) {
    RtuStreamFramer framer;
    std::vector<RtuEvent> events;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      framer.Feed(std::span(stream).subspan(at, std::min(chunk, stream.size() - at)));
      while (auto event = framer.Next()) events.push_back(std::move(*event));
    }
    EXPECT_EQ(events, (std::vector<RtuEvent>{RtuFrame{0x81, poll}})) << "chunk " << chunk;
    EXPECT_EQ(framer.counters().skipped_bytes, 300u);
  }
}

// Noise of a function code without a delimitable request format (0x55) is dropped at once; only
// FC08's return-query-data, delimited by its CRC, can hold the stream (up to 256 bytes).
TEST(RtuStreamFramerTest, UndelimitableFunctionCodesAreNoise) {
  RtuStreamFramer framer;
  framer.Feed(std::vector<uint8_t>(255, 0x55));
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_EQ(framer.counters().skipped_bytes, 254u);  // the last one waits for its successor
}

TEST(RtuStreamFramerTest, ReturnQueryDataNoiseWaitsFor256Bytes) {
  std::vector<uint8_t> stream = {0x01, 0x08, 0x00, 0x00};
  stream.resize(255, 0x55);
  RtuStreamFramer framer;
  framer.Feed(stream);
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_EQ(framer.counters().skipped_bytes, 0u);
  framer.Feed(std::vector<uint8_t>{0x55});
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_GE(framer.counters().skipped_bytes, 1u);
}

}  // namespace
}  // namespace pro380::modbus
