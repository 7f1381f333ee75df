// The traffic-log readings of M-Bus frames and IEC 62056-21 messages, and how received optical
// port characters are cut into messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/iec_traffic.h"
#include "app/mbus_traffic.h"
#include "protocol/iec62056/frames.h"
#include "protocol/mbus/frame.h"
#include "protocol/mbus/records.h"

namespace pro380::app {
namespace {

using transport::FrameDirection;

std::string Mbus(const mbus::Frame& frame, FrameDirection d = FrameDirection::kReceived) {
  return DescribeMbusFrame(mbus::Encode(frame), d);
}

std::span<const uint8_t> Bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string Iec(const std::string& text, FrameDirection d = FrameDirection::kReceived) {
  return DescribeIecMessage(Bytes(text), d);
}

// SOH/STX + body + ETX + BCC over body and ETX.
std::string Block(char start, const std::string& body) {
  const std::string covered = body + iec62056::kEtx;
  return std::string(1, start) + covered + iec62056::Bcc(covered);
}

TEST(MbusTrafficTest, ShortFramesAndTheAck) {
  EXPECT_EQ(DescribeMbusFrame(std::vector<uint8_t>{0xE5}, FrameDirection::kSent), "E5 ack");
  EXPECT_EQ(Mbus({mbus::FrameKind::kShort, mbus::kSndNke, 0x05, 0, {}}), "SND_NKE 0x05");
  EXPECT_EQ(Mbus({mbus::FrameKind::kShort, mbus::kReqUd2 | mbus::kFcbBit, 0x01, 0, {}}),
            "REQ_UD2 0x01 FCB=1");
  EXPECT_EQ(Mbus({mbus::FrameKind::kShort, mbus::kReqUd2, 0x01, 0, {}}), "REQ_UD2 0x01 FCB=0");
}

TEST(MbusTrafficTest, LongFrames) {
  // Secondary selection of 22091039, any manufacturer, version and medium.
  EXPECT_EQ(Mbus({mbus::FrameKind::kLong,
                  mbus::kSndUd,
                  253,
                  0x52,
                  {0x39, 0x10, 0x09, 0x22, 0xFF, 0xFF, 0xFF, 0xFF}}),
            "select 253 id 22091039");
  std::vector<uint8_t> records;
  mbus::AppendRecord(records, {mbus::DataField::kInt8, {}, 0, 0, 0, mbus::MakeVib(0x7A)}, 5);
  EXPECT_EQ(Mbus({mbus::FrameKind::kLong, mbus::kSndUd, 0x01, 0x51, records}),
            "SND_UD 0x01 CI 51 1 record");
  EXPECT_EQ(Mbus({mbus::FrameKind::kLong, mbus::kSndUd, 0x01, 0xBB, {}}),
            "SND_UD 0x01 CI BB baud 2400");
  // A response telegram: fixed header (id 22091039) and four records, then DIF 1F.
  std::vector<uint8_t> data = {0x39, 0x10, 0x09, 0x22, 0xCD, 0x25,
                               0x01, 0x02, 0x07, 0x00, 0x00, 0x00};
  for (int k = 0; k < 4; ++k) {
    mbus::AppendRecord(data, {mbus::DataField::kBcd8, {}, 0, 0, 0, mbus::MakeVib(0x04)}, k);
  }
  data.push_back(mbus::kDifMoreRecordsFollow);
  EXPECT_EQ(Mbus({mbus::FrameKind::kLong, mbus::kRspUd, 0x01, 0x72, data}, FrameDirection::kSent),
            "RSP_UD 0x01 id 22091039 4 records, more follow");
  data.pop_back();
  EXPECT_EQ(Mbus({mbus::FrameKind::kLong, mbus::kRspUd, 0x01, 0x72, data}, FrameDirection::kSent),
            "RSP_UD 0x01 id 22091039 4 records");
}

TEST(MbusTrafficTest, AnyBytesAreAccepted) {
  EXPECT_EQ(DescribeMbusFrame({}, FrameDirection::kReceived), "not a frame");
  EXPECT_EQ(
      DescribeMbusFrame(std::vector<uint8_t>{0x68, 0x03, 0x03, 0x68, 0x53, 0x01, 0x51, 0x16, 0x16},
                        FrameDirection::kReceived),
      "SND_UD 0x01 CI 51 0 records");
  EXPECT_EQ(MbusDropNote(mbus::DropReason::kChecksum), "dropped: checksum");
}

TEST(IecTrafficTest, EveryKindOfMessage) {
  EXPECT_EQ(Iec("/?22091039!\r\n"), "sign-on /?22091039!");
  EXPECT_EQ(Iec("/INM5PRO380-Mb\r\n", FrameDirection::kSent), "identification /INM5PRO380-Mb");
  EXPECT_EQ(Iec("\x06"
                "050\r\n"),
            "option ACK 0 5 0");
  EXPECT_EQ(Iec(Block(iec62056::kStx, "1.8.0(000001.00*kWh)\r\n2.8.0(000000.00*kWh)\r\n!\r\n"),
                FrameDirection::kSent),
            "readout 2 data sets");
  EXPECT_EQ(Iec(Block(iec62056::kSoh, "P1\x02(12345678)")), "P1 password");
  EXPECT_EQ(Iec(Block(iec62056::kSoh,
                      "W1\x02"
                      "139.0.1(4800)")),
            "W1 139.0.1(4800)");
  EXPECT_EQ(Iec(Block(iec62056::kSoh, "B0")), "B0 break");
  EXPECT_EQ(Iec("\x06", FrameDirection::kSent), "ACK");
  EXPECT_EQ(Iec("\x15"), "NAK");
  EXPECT_EQ(Iec(Block(iec62056::kStx, "(ER02)"), FrameDirection::kSent), "error (ER02)");
  EXPECT_EQ(Iec(""), "");
}

std::vector<IecMessageSplitter::Message> FeedInChunks(const std::string& text, size_t chunk) {
  IecMessageSplitter splitter;
  std::vector<IecMessageSplitter::Message> all;
  for (size_t at = 0; at < text.size(); at += chunk) {
    for (auto& m : splitter.Feed(Bytes(text.substr(at, chunk)))) all.push_back(std::move(m));
  }
  return all;
}

TEST(IecSplitterTest, CutsASessionIntoItsMessagesAtEveryChunkSize) {
  const std::string password = Block(iec62056::kSoh, "P1\x02(00000000)");
  std::string bad = Block(iec62056::kSoh,
                          "W1\x02"
                          "139.0.1(4800)");
  bad.back() ^= 1;
  const std::string session = "/?!\r\n" +
                              std::string(
                                  "\x06"
                                  "051\r\n") +
                              password + bad + "\x15" + "\x06" + "x" + Block(iec62056::kSoh, "B0");
  for (size_t chunk = 1; chunk <= session.size(); ++chunk) {
    const auto messages = FeedInChunks(session, chunk);
    ASSERT_EQ(messages.size(), 7u) << "chunk " << chunk;
    EXPECT_EQ(messages[0].chars, "/?!\r\n");
    EXPECT_EQ(messages[1].chars,
              "\x06"
              "051\r\n");
    EXPECT_EQ(messages[2].chars, password);
    EXPECT_EQ(messages[2].note, "");
    EXPECT_EQ(messages[3].note, "dropped: BCC");
    EXPECT_EQ(messages[4].chars, "\x15");
    EXPECT_EQ(messages[5].chars, "\x06");  // a lone ACK, then noise the server skips
    EXPECT_EQ(Iec(messages[6].chars), "B0 break");
  }
}

TEST(IecSplitterTest, ParityErrorsAndOverlongMessagesAreNoted) {
  std::string text = Block(iec62056::kSoh,
                           "R1\x02"
                           "1.8.0()");
  text[3] = static_cast<char>(IecMessageSplitter::kParityError);
  auto messages = FeedInChunks(text, 4);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].note, "dropped: parity error");
  messages = FeedInChunks("/" + std::string(IecMessageSplitter::kMaxMessage + 5, 'a'), 7);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].note, "dropped: too long");
}

}  // namespace
}  // namespace pro380::app
