#include "protocol/mbus/client.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "fake_slave_device.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/stream_framer.h"

namespace pro380::mbus {
namespace {

using Bytes = std::vector<uint8_t>;
using std::chrono::milliseconds;

const TimePoint kT0{};

ClientOptions Options(int retries = 1) {
  return {.timeout = milliseconds(100),
          .retries = retries,
          .frame_gap = milliseconds(20),
          .settle = milliseconds(50)};
}

// Slaves on one line: every request goes to each; the master hears every reply in turn.
struct Line {
  std::vector<FakeSlaveDevice*> devices;
  std::vector<Slave> slaves;
  explicit Line(std::vector<FakeSlaveDevice*> d) : devices(std::move(d)) {
    for (FakeSlaveDevice* device : devices) slaves.emplace_back(*device);
  }
  Bytes Answer(const Bytes& request) {
    StreamFramer framer(milliseconds(20));
    framer.Feed(request, kT0);
    Bytes heard;
    while (auto event = framer.Next(kT0)) {
      const auto* frame = std::get_if<Frame>(&*event);
      if (frame == nullptr) continue;
      for (Slave& slave : slaves) {
        if (auto reply = slave.Handle(*frame, {}))
          heard.insert(heard.end(), reply->begin(), reply->end());
      }
    }
    return heard;
  }
};

// Runs `op` against `line` until the outcome, feeding whatever the line answers in one chunk.
ClientOutcome Exchange(MbusClient& client, Line& line, const Operation& op, int* frames = nullptr) {
  TimePoint now = kT0;
  Bytes send = client.Start(op, now);
  for (int step = 0; step < 100; ++step) {
    if (!send.empty()) {
      if (frames != nullptr) ++*frames;
      const Bytes reply = line.Answer(send);
      client.Feed(reply, now);
      send.clear();
    }
    ClientStep next = client.Poll(now);
    if (next.outcome) return *next.outcome;
    send = std::move(next.send);
    if (send.empty()) now = *client.NextDeadline();
  }
  ADD_FAILURE() << "no outcome";
  return ClientError{};
}

TEST(MbusClientRequestTest, FramesAreTheStandardOnes) {
  EXPECT_EQ(Encode(SndNkeRequest(5)), (Bytes{0x10, 0x40, 0x05, 0x45, 0x16}));
  EXPECT_EQ(Encode(ReqUd2Request(5, true)), (Bytes{0x10, 0x7B, 0x05, 0x80, 0x16}));
  EXPECT_EQ(Encode(ReqUd2Request(5, false)), (Bytes{0x10, 0x5B, 0x05, 0x60, 0x16}));
  // The selections of tests/golden/mbus/selection.md: 12345678 INM version 01 medium 02, and
  // everything a wildcard.
  SecondaryMask mask = SecondaryMask::ForId(12345678);
  mask.manufacturer = ManufacturerCode("INM");
  mask.version = 0x01;
  mask.medium = 0x02;
  EXPECT_EQ(Encode(SelectionRequest(mask)),
            (Bytes{0x68, 0x0B, 0x0B, 0x68, 0x53, 0xFD, 0x52, 0x78, 0x56, 0x34, 0x12, 0xCD, 0x25,
                   0x01, 0x02, 0xAB, 0x16}));
  EXPECT_EQ(Encode(SelectionRequest(SecondaryMask{})),
            (Bytes{0x68, 0x0B, 0x0B, 0x68, 0x53, 0xFD, 0x52, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                   0xFF, 0xFF, 0x9A, 0x16}));
}

TEST(MbusClientRequestTest, SecondaryMaskText) {
  auto mask = SecondaryMask::FromText("12fFFFFF");
  ASSERT_TRUE(mask.has_value());
  EXPECT_EQ(mask->IdText(), "12FFFFFF");
  EXPECT_EQ(Encode(SelectionRequest(*mask))[7], 0xFF);
  EXPECT_EQ(Encode(SelectionRequest(*mask))[10], 0x12);
  EXPECT_FALSE(SecondaryMask::FromText("1234567").has_value());
  EXPECT_FALSE(SecondaryMask::FromText("1234567A").has_value());
  EXPECT_EQ(SecondaryMask::ForId(42).IdText(), "00000042");
}

TEST(MbusClientRequestTest, SecondaryMaskInLibmbusSixteenCharacterForm) {
  // ID characters, then manufacturer (as sent: low byte first), version, medium in hex.
  auto mask = SecondaryMask::FromFullText("1234FFFFcd25FF02");
  ASSERT_TRUE(mask.has_value());
  EXPECT_EQ(mask->IdText(), "1234FFFF");
  EXPECT_EQ(mask->manufacturer, ManufacturerCode("INM"));
  EXPECT_EQ(mask->version, kAnyByte);
  EXPECT_EQ(mask->medium, 0x02);
  EXPECT_EQ(mask->FullText(), "1234FFFFCD25FF02");
  EXPECT_EQ(mask->Text(), "1234FFFFCD25FF02");
  EXPECT_EQ(Encode(SelectionRequest(*mask)),
            (Bytes{0x68, 0x0B, 0x0B, 0x68, 0x53, 0xFD, 0x52, 0xFF, 0xFF, 0x34, 0x12, 0xCD, 0x25,
                   0xFF, 0x02, 0xD9, 0x16}));
  // Only the ID fixed: Text() is the 8 characters, as before.
  EXPECT_EQ(SecondaryMask::FromFullText("12345678FFFFFFFF")->Text(), "12345678");
  EXPECT_EQ(SecondaryMask().FullText(), "FFFFFFFFFFFFFFFF");
  EXPECT_FALSE(SecondaryMask::FromFullText("12345678").has_value());
  EXPECT_FALSE(SecondaryMask::FromFullText("1234567ACD250102").has_value());
  EXPECT_FALSE(SecondaryMask::FromFullText("12345678CD25010G").has_value());
  EXPECT_FALSE(SecondaryMask::FromFullText("12345678CD25010").has_value());
}

TEST(MbusClientRequestTest, ManufacturerText) {
  EXPECT_EQ(ManufacturerText(0x25CD), "INM");
  EXPECT_EQ(ManufacturerText(ManufacturerCode("ABB")), "ABB");
  EXPECT_EQ(ManufacturerText(0), "???");
}

TEST(MbusClientTest, ResetIsAcknowledged) {
  FakeSlaveDevice device;
  Line line({&device});
  MbusClient client(Options());
  const ClientOutcome outcome = Exchange(client, line, Operation::Reset(0));
  EXPECT_TRUE(std::holds_alternative<Acknowledged>(outcome));
  EXPECT_EQ(client.counters().replies, 1u);
}

// Four telegrams with FCB 1, 0, 1, 0: every record once, in order, the 1F dropped.
TEST(MbusClientTest, MultiTelegramReadoutTogglesTheFcb) {
  FakeSlaveDevice device;
  device.primary = 7;
  device.record_count = 80;  // 7 bytes each: 35 per telegram
  Line line({&device});
  MbusClient client(Options());
  int frames = 0;
  const ClientOutcome outcome = Exchange(client, line, Operation::ReadOut(7), &frames);
  const auto* readout = std::get_if<Readout>(&outcome);
  ASSERT_NE(readout, nullptr);
  EXPECT_EQ(readout->telegrams, 3);
  EXPECT_EQ(frames, 3);
  EXPECT_EQ(readout->address, 7);
  EXPECT_EQ(readout->header.id, 12345678u);
  EXPECT_EQ(ManufacturerText(readout->header.manufacturer), "INM");
  EXPECT_EQ(readout->header.medium, 0x02);
  auto records = ParseRecords(readout->records);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 80u);
  for (std::size_t i = 0; i < records->size(); ++i) {
    EXPECT_EQ((*records)[i].header.storage, i);
    EXPECT_EQ((*records)[i].value, static_cast<int64_t>(i) * 1000 + 1);  // one readout
  }
  EXPECT_EQ(line.slaves[0].counters().repeats, 0u);
}

TEST(MbusClientTest, NobodyThereTimesOutAfterEveryRetry) {
  FakeSlaveDevice device;
  device.primary = 1;
  Line line({&device});
  MbusClient client(Options(2));
  int frames = 0;
  const ClientOutcome outcome = Exchange(client, line, Operation::ReadOut(2), &frames);
  const auto* error = std::get_if<ClientError>(&outcome);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->kind, ClientErrorKind::kTimeout);
  EXPECT_EQ(frames, 3);
  EXPECT_EQ(client.counters().timeouts, 3u);
  EXPECT_FALSE(client.busy());
}

// A lost telegram: the retry keeps the FCB, so the slave repeats it and nothing is skipped.
TEST(MbusClientTest, RetryKeepsTheFcb) {
  FakeSlaveDevice device;
  device.record_count = 80;
  Line line({&device});
  MbusClient client(Options());
  TimePoint now = kT0;
  Bytes send = client.Start(Operation::ReadOut(0), now);
  client.Feed(line.Answer(send), now);
  ClientStep step = client.Poll(now);
  ASSERT_FALSE(step.outcome);
  EXPECT_EQ(step.send[1], 0x5B);
  (void)line.Answer(step.send);  // the second telegram is lost
  now += milliseconds(100);
  step = client.Poll(now);
  ASSERT_EQ(step.send, Encode(ReqUd2Request(0, false)));
  client.Feed(line.Answer(step.send), now);
  step = client.Poll(now);
  client.Feed(line.Answer(step.send), now);
  step = client.Poll(now);
  ASSERT_TRUE(step.outcome);
  const auto* readout = std::get_if<Readout>(&*step.outcome);
  ASSERT_NE(readout, nullptr);
  EXPECT_EQ(ParseRecords(readout->records)->size(), 80u);
  EXPECT_EQ(line.slaves[0].counters().repeats, 1u);
}

// Two meters selected by one mask answer E5 E5: a collision, found while settling.
TEST(MbusClientTest, TwoAcknowledgementsAreACollision) {
  FakeSlaveDevice a;
  FakeSlaveDevice b;
  b.identity.id = 12399999;
  Line line({&a, &b});
  MbusClient client(Options());
  const Operation select = Operation::Select(*SecondaryMask::FromText("123FFFFF"));
  const ClientOutcome both = Exchange(client, line, select);
  ASSERT_TRUE(std::holds_alternative<ClientError>(both));
  EXPECT_EQ(std::get<ClientError>(both).kind, ClientErrorKind::kCollision);
  const Operation one = Operation::Select(*SecondaryMask::FromText("1234FFFF"));
  EXPECT_TRUE(std::holds_alternative<Acknowledged>(Exchange(client, line, one)));
  EXPECT_EQ(client.counters().collisions, 1u);
}

TEST(MbusClientTest, BytesAfterTheAckWhileSettlingAreACollision) {
  MbusClient client(Options());
  client.Start(Operation::Reset(3, true), kT0);
  client.Feed(Bytes{0xE5}, kT0);
  EXPECT_FALSE(client.Poll(kT0).outcome);
  client.Feed(Bytes{0x33}, kT0 + milliseconds(10));  // not even a frame start: still a reply
  const ClientStep step = client.Poll(kT0 + milliseconds(10));
  ASSERT_TRUE(step.outcome);
  EXPECT_EQ(std::get<ClientError>(*step.outcome).kind, ClientErrorKind::kCollision);
}

// A readout asks one meter: a damaged telegram is retried (line noise) with the same REQ_UD2
// once the line is quiet, and only a damaged reply with no retry left is a collision.
TEST(MbusClientTest, DamagedReplyIsRetriedThenACollision) {
  MbusClient client(Options());
  const std::vector<uint8_t> request = client.Start(Operation::ReadOut(0), kT0);
  const Bytes damaged = {0x68, 0x03, 0x03, 0x68, 0x08, 0x00, 0x72, 0x00, 0x16};
  client.Feed(damaged, kT0);
  EXPECT_FALSE(client.Poll(kT0).outcome);
  ASSERT_TRUE(client.NextDeadline());
  EXPECT_EQ(*client.NextDeadline(), kT0 + Options().frame_gap);
  const ClientStep retry = client.Poll(kT0 + Options().frame_gap);
  EXPECT_FALSE(retry.outcome);
  EXPECT_EQ(retry.send, request);  // FCB unchanged: the meter repeats its telegram
  client.Feed(damaged, kT0 + milliseconds(50));
  const ClientStep step = client.Poll(kT0 + milliseconds(50));
  ASSERT_TRUE(step.outcome);
  const auto& error = std::get<ClientError>(*step.outcome);
  EXPECT_EQ(error.kind, ClientErrorKind::kCollision);
  EXPECT_EQ(error.Describe(), "collision or garbled reply: heard a frame with a wrong checksum");
  EXPECT_EQ(client.counters().damaged, 1u);
  EXPECT_EQ(client.counters().collisions, 1u);
}

TEST(MbusClientTest, UnfinishedReplyIsRetriedAtTheFrameGap) {
  MbusClient client(Options());
  const std::vector<uint8_t> request = client.Start(Operation::ReadOut(0), kT0);
  client.Feed(Bytes{0x68, 0x20, 0x20, 0x68, 0x08}, kT0 + milliseconds(90));
  EXPECT_FALSE(client.Poll(kT0 + milliseconds(100)).outcome);  // still arriving
  EXPECT_EQ(*client.NextDeadline(), kT0 + milliseconds(110));
  const ClientStep retry = client.Poll(kT0 + milliseconds(110));
  EXPECT_FALSE(retry.outcome);
  EXPECT_EQ(retry.send, request);
  EXPECT_EQ(client.counters().damaged, 1u);
}

// Bytes still arriving after a damage are the rest of it: the retry waits until they stop.
TEST(MbusClientTest, RetryAfterDamageWaitsForQuiet) {
  MbusClient client(Options());
  client.Start(Operation::ReadOut(0), kT0);
  client.Feed(Bytes{0x68, 0x18, 0x19, 0x68}, kT0);  // length bytes disagree: dropped at once
  EXPECT_TRUE(client.Poll(kT0).send.empty());
  client.Feed(Bytes{0x08, 0x00, 0x72}, kT0 + milliseconds(15));
  EXPECT_TRUE(client.Poll(kT0 + Options().frame_gap).send.empty());
  EXPECT_EQ(*client.NextDeadline(), kT0 + milliseconds(15) + Options().frame_gap);
  EXPECT_FALSE(client.Poll(kT0 + milliseconds(15) + Options().frame_gap).send.empty());
}

TEST(MbusClientTest, WrongRepliesAreMalformed) {
  MbusClient client(Options());
  client.Start(Operation::ReadOut(4), kT0);
  client.Feed(Bytes{0xE5}, kT0);
  ClientStep step = client.Poll(kT0);
  ASSERT_TRUE(step.outcome);
  EXPECT_EQ(std::get<ClientError>(*step.outcome).Describe(),
            "malformed reply: E5 where an RSP_UD was expected");
  // An RSP_UD from another primary address.
  client.Start(Operation::ReadOut(4), kT0);
  client.Feed(Encode(Frame{FrameKind::kLong, kRspUd, 5, 0x72, Bytes(12, 0)}), kT0);
  step = client.Poll(kT0);
  ASSERT_TRUE(step.outcome);
  EXPECT_EQ(std::get<ClientError>(*step.outcome).kind, ClientErrorKind::kMalformed);
  // Records that do not parse.
  Bytes data(12, 0);
  data.push_back(0x0C);
  client.Start(Operation::ReadOut(4), kT0);
  client.Feed(Encode(Frame{FrameKind::kLong, kRspUd, 4, 0x72, data}), kT0);
  step = client.Poll(kT0);
  ASSERT_TRUE(step.outcome);
  EXPECT_EQ(std::get<ClientError>(*step.outcome).kind, ClientErrorKind::kMalformed);
  EXPECT_EQ(client.counters().malformed, 3u);
}

// An echo of the request (a level converter that echoes) is skipped.
TEST(MbusClientTest, EchoIsIgnored) {
  MbusClient client(Options());
  const Bytes request = client.Start(Operation::Reset(9), kT0);
  client.Feed(request, kT0);
  client.Feed(Bytes{0xE5}, kT0);
  const ClientStep step = client.Poll(kT0);
  ASSERT_TRUE(step.outcome);
  EXPECT_TRUE(std::holds_alternative<Acknowledged>(*step.outcome));
  EXPECT_EQ(client.counters().ignored, 1u);
}

// A write through the slave: CI 51 with the primary address record.
TEST(MbusClientTest, SendUserDataWritesAndIsAcknowledged) {
  FakeSlaveDevice device;
  Line line({&device});
  MbusClient client(Options());
  const ClientOutcome outcome =
      Exchange(client, line, Operation::Send(0, 0x51, {0x01, 0x7A, 0x2A}));
  EXPECT_TRUE(std::holds_alternative<Acknowledged>(outcome));
  EXPECT_EQ(device.primary, 42);
}

TEST(MbusClientTest, EndlessTelegramsAreRefused) {
  MbusClient client(Options());
  Bytes data(12, 0);
  data.push_back(kDifMoreRecordsFollow);
  Bytes send = client.Start(Operation::ReadOut(1), kT0);
  for (int i = 0; i < kMaxTelegrams; ++i) {
    client.Feed(Encode(Frame{FrameKind::kLong, kRspUd, 1, 0x72, data}), kT0);
    const ClientStep step = client.Poll(kT0);
    if (i + 1 < kMaxTelegrams) {
      ASSERT_FALSE(step.outcome) << i;
      EXPECT_EQ(step.send[1], (i % 2 == 0) ? 0x5B : 0x7B);
    } else {
      ASSERT_TRUE(step.outcome);
      EXPECT_EQ(std::get<ClientError>(*step.outcome).kind, ClientErrorKind::kMalformed);
    }
  }
}

}  // namespace
}  // namespace pro380::mbus
