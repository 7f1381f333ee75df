#include "protocol/modbus/mbap_framer.h"

#include <gtest/gtest.h>

#include <vector>

namespace pro380::modbus {
namespace {

TEST(MbapFramerTest, EncodeThenFeedRoundTrips) {
  const Pdu pdu{0x03, {0x50, 0x0C, 0x00, 0x06}};
  const std::vector<uint8_t> adu = EncodeMbap(0xBEEF, 7, pdu);
  EXPECT_EQ(adu, (std::vector<uint8_t>{0xBE, 0xEF, 0, 0, 0, 6, 7, 0x03, 0x50, 0x0C, 0x00, 0x06}));
  MbapFramer framer;
  framer.Feed(adu);
  const auto frame = framer.Next();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, (MbapFrame{0xBEEF, 7, pdu}));
  EXPECT_FALSE(framer.Next().has_value());
}

TEST(MbapFramerTest, WaitsForTheWholeAdu) {
  const std::vector<uint8_t> adu = EncodeMbap(1, 1, Pdu{0x03, {0x40, 0x00, 0x00, 0x02}});
  MbapFramer framer;
  framer.Feed(std::span(adu).first(adu.size() - 1));
  EXPECT_FALSE(framer.Next().has_value());
  framer.Feed(std::span(adu).last(1));
  EXPECT_TRUE(framer.Next().has_value());
}

TEST(MbapFramerTest, FailureIsSticky) {
  MbapFramer framer;
  framer.Feed(std::vector<uint8_t>{0, 1, 0, 0, 0x01, 0x00, 1});  // length 256
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_TRUE(framer.failed());
  framer.Feed(EncodeMbap(1, 1, Pdu{0x03, {0x40, 0x00, 0x00, 0x02}}));
  EXPECT_FALSE(framer.Next().has_value());
  EXPECT_EQ(framer.counters().bad_length, 1u);
}

}  // namespace
}  // namespace pro380::modbus
