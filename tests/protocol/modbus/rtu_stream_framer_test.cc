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

// Found by the modbus_tcp fuzz target: an FC10 header promising 255 data bytes (264 in all)
// was dropped as "no frame" at 256 bytes when fed byte by byte, but delimited when fed whole.
TEST(RtuStreamFramerTest, AKnownLengthOver256BytesIsWaitedForAtEveryChunking) {
  std::vector<uint8_t> stream = {0x2A, 0x10, 0x00, 0x00, 0x00, 0x7F, 0xFF};
  stream.resize(264, 0x00);
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    const auto events = EventsAtChunk(stream, chunk);
    ASSERT_EQ(events.size(), 1u) << "chunk " << chunk;
    EXPECT_EQ(std::get<RtuFrameError>(events[0]), RtuFrameError::kCrc) << "chunk " << chunk;
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

// Noise that looks like a request of an unknown function code (0x55) waits for 256 bytes before
// the framer gives up on it: the documented cost of delimiting by CRC.
TEST(RtuStreamFramerTest, UnknownFunctionCodeNoiseResynchronisesAt256Bytes) {
  std::vector<uint8_t> stream(255, 0x55);
  RtuStreamFramer framer;
  framer.Feed(stream);
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_EQ(framer.counters().skipped_bytes, 0u);
  framer.Feed(std::vector<uint8_t>{0x55});
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_EQ(framer.counters().skipped_bytes, 1u);
}

}  // namespace
}  // namespace pro380::modbus
