#include "protocol/mbus/slave.h"

#include <gtest/gtest.h>

#include "protocol/mbus/fake_slave_device.h"

namespace pro380::mbus {
namespace {

using Bytes = std::vector<uint8_t>;
const Bytes kAckBytes = {0xE5};

Frame Short(uint8_t control, uint8_t address) {
  return {FrameKind::kShort, control, address, 0, {}};
}
Frame Long(uint8_t control, uint8_t address, uint8_t ci, Bytes data = {}) {
  return {FrameKind::kLong, control, address, ci, std::move(data)};
}
Frame Select(Bytes selection) { return Long(0x53, 253, kCiSelection, std::move(selection)); }

class SlaveTest : public ::testing::Test {
 protected:
  std::optional<Bytes> Send(const Frame& frame) {
    return slave.Handle(frame, {"test", "t", frame.address, {}});
  }

  FakeSlaveDevice device;
  Slave slave{device};
};

TEST_F(SlaveTest, PrimaryAddressingAnswersOnlyItsOwnAddress) {
  device.primary = 5;
  EXPECT_EQ(Send(Short(kSndNke, 5)), kAckBytes);
  EXPECT_EQ(Send(Short(kSndNke, 6)), std::nullopt);
  EXPECT_EQ(Send(Short(kSndNke, 0)), std::nullopt);
  EXPECT_EQ(Send(Short(kSndNke, 251)), std::nullopt);
  EXPECT_EQ(Send(Short(kSndNke, 252)), std::nullopt);
  EXPECT_EQ(Send(Short(kSndNke, 253)), std::nullopt);  // not selected
  EXPECT_EQ(slave.counters().other_address, 4u);
  EXPECT_EQ(slave.counters().unselected, 1u);
}

TEST_F(SlaveTest, Broadcast254RepliesWithTheOwnAddressAnd255IsSilentButProcessed) {
  device.primary = 7;
  auto reply = Send(Short(kReqUd2, 254));
  ASSERT_TRUE(reply.has_value());
  ASSERT_GT(reply->size(), 20u);
  EXPECT_EQ((*reply)[5], 7);  // A field of the RSP_UD
  EXPECT_EQ(Send(Long(0x53, 255, kCiDataSend, {0x01, 0x7A, 0x09})), std::nullopt);
  EXPECT_EQ(device.primary, 9);  // processed
  EXPECT_EQ(slave.counters().broadcasts, 1u);
}

TEST_F(SlaveTest, RspUdCarriesTheFixedHeaderAndIncrementsTheAccessNumber) {
  auto first = Send(Short(kReqUd2, 0));
  ASSERT_TRUE(first.has_value());
  const Bytes& f = *first;
  EXPECT_EQ(Bytes(f.begin(), f.begin() + 7), (Bytes{0x68, f[1], f[1], 0x68, 0x08, 0x00, 0x72}));
  EXPECT_EQ(Bytes(f.begin() + 7, f.begin() + 19),
            (Bytes{0x78, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x01, 0x02, 0x01, 0x00, 0x00, 0x00}));
  EXPECT_EQ(f[f.size() - 2], Checksum(std::span(f).subspan(4, f[1])));
  auto second = Send(Short(kReqUd2, 0));  // FCB unchanged but the readout was complete
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)[15], 0x02);
  EXPECT_EQ(device.generation, 2);
}

TEST_F(SlaveTest, UnsupportedCommandsAreAcknowledged) {
  EXPECT_EQ(Send(Long(0x53, 0, 0x99)), kAckBytes);          // unknown CI
  EXPECT_EQ(Send(Short(0x49, 0)), kAckBytes);               // unknown C field
  EXPECT_EQ(Send(Short(kReqUd1, 0)), kAckBytes);            // no class 1 data
  EXPECT_EQ(Send(Long(0x53, 0, kCiBaud38400)), kAckBytes);  // above 9600
  EXPECT_EQ(device.baud, 9600);
  EXPECT_EQ(slave.counters().unsupported, 3u);
}

TEST_F(SlaveTest, FramesFromSlavesAreIgnored) {
  EXPECT_EQ(Send(Frame{}), std::nullopt);
  EXPECT_EQ(Send(Long(0x08, 0, 0x72)), std::nullopt);
  EXPECT_EQ(slave.counters().ignored, 2u);
}

TEST_F(SlaveTest, DataSendWritesOrFlagsAnApplicationError) {
  EXPECT_EQ(Send(Long(0x53, 0, kCiDataSend, {0x01, 0x7A, 0x20})), kAckBytes);
  EXPECT_EQ(device.primary, 0x20);
  EXPECT_EQ(Send(Short(kSndNke, 0)), std::nullopt);  // the new address applies at once
  EXPECT_EQ(Send(Long(0x73, 0x20, kCiDataSend, {0x01, 0x7A, 0xFB})), kAckBytes);  // 251: refused
  EXPECT_EQ(Send(Long(0x73, 0x20, kCiDataSend, {0x0C})), kAckBytes);  // malformed: refused
  EXPECT_EQ(slave.counters().writes, 1u);
  EXPECT_EQ(slave.counters().writes_refused, 2u);
  auto reply = Send(Short(kReqUd2, 0x20));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)[16], kStatusApplicationError);  // reported once
  reply = Send(Short(kReqUd2, 0x20));
  EXPECT_EQ((*reply)[16], 0);
}

TEST_F(SlaveTest, BaudRateCisSetTheDevicesRate) {
  EXPECT_EQ(Send(Long(0x53, 0, 0xBB)), kAckBytes);
  EXPECT_EQ(device.baud, 2400);
  EXPECT_EQ(Send(Long(0x53, 0, 0xB8)), kAckBytes);
  EXPECT_EQ(device.baud, 300);
  device.refuse_baud = true;
  EXPECT_EQ(Send(Long(0x53, 0, 0xBD)), kAckBytes);
  EXPECT_EQ(device.baud, 300);
  EXPECT_EQ(slave.counters().baud_changes, 2u);
}

TEST_F(SlaveTest, SecondarySelectionWithExactAddressAndWildcards) {
  const Bytes exact = {0x78, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x01, 0x02};
  EXPECT_EQ(Send(Select(exact)), kAckBytes);
  EXPECT_TRUE(slave.selected());
  EXPECT_TRUE(Send(Short(kReqUd2, 253)).has_value());
  // SND_NKE to 253 acknowledges and deselects.
  EXPECT_EQ(Send(Short(kSndNke, 253)), kAckBytes);
  EXPECT_FALSE(slave.selected());
  EXPECT_EQ(Send(Short(kReqUd2, 253)), std::nullopt);

  const std::vector<Bytes> matching = {
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},  // everything wild
      {0xF8, 0xFF, 0xFF, 0x1F, 0xCD, 0x25, 0xFF, 0x02},  // first and last digit given
      {0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0x01, 0xFF},  // manufacturer and medium wild
  };
  for (const Bytes& pattern : matching) {
    EXPECT_EQ(Send(Select(pattern)), kAckBytes);
    EXPECT_TRUE(slave.selected());
  }
  const std::vector<Bytes> other = {
      {0x79, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x01, 0x02},  // other id
      {0xFF, 0xFF, 0xFF, 0x2F, 0xFF, 0xFF, 0xFF, 0xFF},  // other top digit
      {0x78, 0x56, 0x34, 0x12, 0xCE, 0x25, 0x01, 0x02},  // other manufacturer
      {0x78, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x02, 0x02},  // other version
      {0x78, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x01, 0x07},  // other medium
      {0x78, 0x56, 0x34},                                // too short
  };
  for (const Bytes& pattern : other) {
    Send(Select(matching[0]));
    EXPECT_EQ(Send(Select(pattern)), std::nullopt);
    EXPECT_FALSE(slave.selected());  // a selection for another slave deselects
  }
}

TEST_F(SlaveTest, SelectionMode2SendsFieldsHighByteFirst) {
  EXPECT_EQ(
      Send(Long(0x53, 253, kCiSelectionMode2, {0x12, 0x34, 0x56, 0x78, 0x25, 0xCD, 0x01, 0x02})),
      kAckBytes);
  EXPECT_EQ(
      Send(Long(0x53, 253, kCiSelectionMode2, {0x78, 0x56, 0x34, 0x12, 0xCD, 0x25, 0x01, 0x02})),
      std::nullopt);
}

TEST_F(SlaveTest, EnhancedSelectionComparesTheFabricationNumber) {
  Bytes pattern = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                   0xFF, 0x0C, 0x78, 0x78, 0x56, 0x34, 0x12};
  EXPECT_EQ(Send(Select(pattern)), kAckBytes);
  pattern[10] = 0x77;
  EXPECT_EQ(Send(Select(pattern)), std::nullopt);
}

TEST_F(SlaveTest, Broadcast255SelectionAndDeselectionAreSilent) {
  EXPECT_EQ(Send(Long(0x53, 255, kCiSelection, {0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF})),
            std::nullopt);
  EXPECT_TRUE(slave.selected());
  EXPECT_EQ(Send(Short(kSndNke, 255)), std::nullopt);
  EXPECT_FALSE(slave.selected());
}

// Multi-telegram: REQ_UD2 with a toggled FCB continues, an unchanged FCB repeats, any other
// request restarts.
TEST_F(SlaveTest, MultiTelegramFollowsTheFrameCountBit) {
  device.record_count = 60;  // 60 × 6 or 7 bytes: two telegrams
  EXPECT_EQ(Send(Short(kSndNke, 0)), kAckBytes);
  auto t1 = Send(Short(0x7B, 0));
  ASSERT_TRUE(t1.has_value());
  EXPECT_EQ((*t1)[t1->size() - 3], kDifMoreRecordsFollow);
  EXPECT_LE(t1->size(), 261u);
  auto repeat = Send(Short(0x7B, 0));
  EXPECT_EQ(repeat, t1);
  EXPECT_EQ(slave.counters().repeats, 1u);
  auto t2 = Send(Short(0x5B, 0));
  ASSERT_TRUE(t2.has_value());
  EXPECT_NE((*t2)[t2->size() - 3], kDifMoreRecordsFollow);
  EXPECT_EQ((*t2)[15], (*t1)[15] + 1);  // access number
  // Every record arrived once, in order: 60 records across the two telegrams.
  auto records1 = ParseRecords(std::span(*t1).subspan(19, t1->size() - 21));
  auto records2 = ParseRecords(std::span(*t2).subspan(19, t2->size() - 21));
  ASSERT_TRUE(records1.ok() && records2.ok());
  EXPECT_EQ(records1->size() + records2->size(), 60u);
  EXPECT_EQ(records2->back().header.storage, 59);
  // After the last telegram the next REQ_UD2 starts over with fresh values.
  auto again = Send(Short(0x7B, 0));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ((*again)[again->size() - 3], kDifMoreRecordsFollow);
  EXPECT_EQ(device.generation, 2);
  // A SND_UD in the middle restarts the readout.
  EXPECT_EQ(Send(Long(0x53, 0, kCiApplicationReset)), kAckBytes);
  Send(Short(0x5B, 0));
  EXPECT_EQ(device.generation, 3);
}

// Reference §3.3: the three Tasmota telegrams, all to primary address 0.
TEST_F(SlaveTest, TasmotaTelegramsGetAcksAndData) {
  EXPECT_EQ(Send(Long(0x53, 0, kCiEepromRead)), kAckBytes);
  auto data = Send(Short(0x5B, 0));
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ((*data)[6], kCiResponse);
  EXPECT_EQ(Send(Long(0x53, 0, kCiRamReadout)), kAckBytes);
  EXPECT_EQ(slave.counters().unsupported, 0u);
}

}  // namespace
}  // namespace pro380::mbus
