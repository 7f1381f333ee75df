#include "protocol/modbus/client.h"

#include <gtest/gtest.h>

#include <vector>

namespace pro380::modbus {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0{};

TEST(ModbusClientRequestsTest, EncodeReadAndWriteLikeTheSpec) {
  EXPECT_EQ(ReadHoldingRegistersRequest(0x4000, 32), (Pdu{0x03, {0x40, 0x00, 0x00, 0x20}}));
  EXPECT_EQ(ReadInputRegistersRequest(0x0046, 2), (Pdu{0x04, {0x00, 0x46, 0x00, 0x02}}));
  const std::vector<uint16_t> words = {0x0002, 0x1234};
  EXPECT_EQ(WriteMultipleRegistersRequest(0x4003, words),
            (Pdu{0x10, {0x40, 0x03, 0x00, 0x02, 0x04, 0x00, 0x02, 0x12, 0x34}}));
}

TEST(ModbusClientRepliesTest, ParseReadReplyTakesTheWords) {
  const Pdu request = ReadHoldingRegistersRequest(0x4000, 2);
  const auto parsed = ParseReadReply(request, Pdu{0x03, {0x04, 0x22, 0x09, 0x10, 0x39}});
  ASSERT_TRUE(std::holds_alternative<std::vector<uint16_t>>(parsed));
  EXPECT_EQ(std::get<std::vector<uint16_t>>(parsed), (std::vector<uint16_t>{0x2209, 0x1039}));
}

TEST(ModbusClientRepliesTest, ParseReadReplyTakesAnInputRegisterReply) {
  const Pdu request = ReadInputRegistersRequest(0x0000, 2);
  const auto parsed = ParseReadReply(request, Pdu{0x04, {0x04, 0x43, 0x66, 0x00, 0x00}});
  ASSERT_TRUE(std::holds_alternative<std::vector<uint16_t>>(parsed));
  EXPECT_EQ(std::get<std::vector<uint16_t>>(parsed), (std::vector<uint16_t>{0x4366, 0x0000}));
  // A holding-register reply does not answer an input-register request.
  EXPECT_TRUE(std::holds_alternative<ClientError>(
      ParseReadReply(request, Pdu{0x03, {0x04, 0x43, 0x66, 0x00, 0x00}})));
}

TEST(ModbusClientRepliesTest, ParseReadReplyRejectsWrongCountsAndReportsExceptions) {
  const Pdu request = ReadHoldingRegistersRequest(0x4000, 2);
  const auto short_reply = ParseReadReply(request, Pdu{0x03, {0x02, 0x22, 0x09}});
  ASSERT_TRUE(std::holds_alternative<ClientError>(short_reply));
  EXPECT_EQ(std::get<ClientError>(short_reply).kind, ClientErrorKind::kMalformed);
  const auto lying_count = ParseReadReply(request, Pdu{0x03, {0x04, 0x22, 0x09}});
  EXPECT_TRUE(std::holds_alternative<ClientError>(lying_count));
  const auto exception = ParseReadReply(request, Pdu{0x83, {0x02}});
  ASSERT_TRUE(std::holds_alternative<ClientError>(exception));
  EXPECT_EQ(std::get<ClientError>(exception).kind, ClientErrorKind::kException);
  EXPECT_EQ(std::get<ClientError>(exception).Describe(), "exception 02 (illegal data address)");
}

TEST(ModbusClientRepliesTest, CheckWriteReplyWantsTheEcho) {
  const std::vector<uint16_t> words = {5};
  const Pdu request = WriteMultipleRegistersRequest(0x4003, words);
  EXPECT_FALSE(CheckWriteReply(request, Pdu{0x10, {0x40, 0x03, 0x00, 0x01}}).has_value());
  EXPECT_TRUE(CheckWriteReply(request, Pdu{0x10, {0x40, 0x04, 0x00, 0x01}}).has_value());
  const auto refused = CheckWriteReply(request, Pdu{0x90, {0x03}});
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->exception_code, 0x03);
}

TEST(RtuReplyFramerTest, SkipsNoiseAndCrcDamageAndFindsTheReply) {
  const Pdu request = ReadHoldingRegistersRequest(0x4003, 1);
  const std::vector<uint8_t> reply = EncodeRtu(7, Pdu{0x03, {0x02, 0x00, 0x07}});
  std::vector<uint8_t> damaged = reply;
  damaged[4] ^= 0x01;
  std::vector<uint8_t> stream = {0x00, 0x55, 0x07, 0x04};  // noise, then a wrong function
  stream.insert(stream.end(), damaged.begin(), damaged.end());
  stream.insert(stream.end(), reply.begin(), reply.end());
  // Fed one byte at a time: the reply appears exactly when its last byte arrives.
  RtuReplyFramer framer(7, request);
  std::optional<RtuFrame> frame;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    framer.Feed(std::span(stream).subspan(i, 1));
    frame = framer.Next();
    if (frame) {
      EXPECT_EQ(i, stream.size() - 1);
      break;
    }
  }
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(*frame, (RtuFrame{7, Pdu{0x03, {0x02, 0x00, 0x07}}}));
  EXPECT_EQ(framer.counters().crc_errors, 1u);
  EXPECT_EQ(framer.counters().skipped_bytes, 4u + damaged.size());
}

TEST(RtuReplyFramerTest, DelimitsAnExceptionReply) {
  const std::vector<uint16_t> words = {1};
  RtuReplyFramer framer(1, WriteMultipleRegistersRequest(0x400C, words));
  const std::vector<uint8_t> reply = EncodeRtu(1, Pdu{0x90, {0x02}});
  framer.Feed(reply);
  const auto frame = framer.Next();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->pdu, (Pdu{0x90, {0x02}}));
}

TEST(ModbusClientTest, TcpSkipsStaleRepliesAndDeliversTheRightOne) {
  ModbusClient client(ClientFraming::kTcp, {.timeout = milliseconds(100), .retries = 0});
  const Pdu request = ReadHoldingRegistersRequest(0x4003, 1);
  const std::vector<uint8_t> sent = client.Start(3, request, kT0);
  ASSERT_EQ(sent.size(), 12u);
  const uint16_t tid = static_cast<uint16_t>((sent[0] << 8) | sent[1]);
  const Pdu answer{0x03, {0x02, 0x00, 0x03}};
  std::vector<uint8_t> stream = EncodeMbap(static_cast<uint16_t>(tid - 1), 3, answer);
  const std::vector<uint8_t> right = EncodeMbap(tid, 3, answer);
  stream.insert(stream.end(), right.begin(), right.end());
  client.Feed(stream);
  const ClientStep step = client.Poll(kT0 + milliseconds(1));
  ASSERT_TRUE(step.outcome.has_value());
  EXPECT_EQ(std::get<Pdu>(*step.outcome), answer);
  EXPECT_EQ(client.counters().stale, 1u);
  EXPECT_FALSE(client.busy());
}

TEST(ModbusClientTest, RetriesAfterTheTimeoutThenGivesUp) {
  ModbusClient client(ClientFraming::kRtu, {.timeout = milliseconds(100), .retries = 1});
  const Pdu request = ReadHoldingRegistersRequest(0x4000, 2);
  const std::vector<uint8_t> first = client.Start(1, request, kT0);
  EXPECT_EQ(client.NextDeadline(), kT0 + milliseconds(100));
  EXPECT_FALSE(client.Poll(kT0 + milliseconds(99)).outcome.has_value());
  const ClientStep retry = client.Poll(kT0 + milliseconds(100));
  EXPECT_FALSE(retry.outcome.has_value());
  EXPECT_EQ(retry.send, first);  // RTU has no transaction id: the same bytes again
  const ClientStep last = client.Poll(kT0 + milliseconds(200));
  ASSERT_TRUE(last.outcome.has_value());
  EXPECT_EQ(std::get<ClientError>(*last.outcome).kind, ClientErrorKind::kTimeout);
  EXPECT_EQ(client.counters().timeouts, 2u);
  EXPECT_EQ(client.counters().attempts, 2u);
}

TEST(ModbusClientTest, RtuReplyFromAnotherAddressIsNotTaken) {
  ModbusClient client(ClientFraming::kRtu, {.timeout = milliseconds(100), .retries = 0});
  const Pdu request = ReadHoldingRegistersRequest(0x4003, 1);
  client.Start(2, request, kT0);
  client.Feed(EncodeRtu(3, Pdu{0x03, {0x02, 0x00, 0x03}}));
  EXPECT_FALSE(client.Poll(kT0 + milliseconds(1)).outcome.has_value());
  EXPECT_GT(client.counters().skipped_bytes, 0u);
  client.Feed(EncodeRtu(2, Pdu{0x83, {0x02}}));
  const ClientStep step = client.Poll(kT0 + milliseconds(2));
  ASSERT_TRUE(step.outcome.has_value());
  EXPECT_EQ(std::get<Pdu>(*step.outcome), (Pdu{0x83, {0x02}}));
  EXPECT_EQ(client.counters().exceptions, 1u);
}

}  // namespace
}  // namespace pro380::modbus
