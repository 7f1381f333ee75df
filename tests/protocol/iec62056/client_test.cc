// The IEC 62056-21 client engine's pieces (the exchanges are in the golden transcripts,
// client_golden_runner_test.cc): messages, parsers, the rate selection, limits and counters.
#include "protocol/iec62056/client.h"

#include <gtest/gtest.h>

#include <string>

namespace pro380::iec62056 {
namespace {

using namespace std::chrono_literals;

std::span<const uint8_t> Bytes(const std::string& chars) {
  return {reinterpret_cast<const uint8_t*>(chars.data()), chars.size()};
}

TEST(IecClientMessagesTest, TheStandardsForms) {
  EXPECT_EQ(SignOnMessage(""), "/?!\r\n");
  EXPECT_EQ(SignOnMessage("22091039"), "/?22091039!\r\n");
  EXPECT_EQ(OptionSelectMessage('5', false),
            "\x06"
            "050\r\n");
  EXPECT_EQ(OptionSelectMessage('3', true),
            "\x06"
            "031\r\n");
  // The BCCs of the meter's golden transcripts (programming.md).
  EXPECT_EQ(CommandMessage("P1", "(00000000)"),
            "\x01P1\x02(00000000)\x03"
            "a");
  EXPECT_EQ(CommandMessage("W1", "138.0.1(100)"),
            "\x01W1\x02"
            "138.0.1(100)\x03l");
  EXPECT_EQ(CommandMessage("B0", ""),
            "\x01"
            "B0\x03q");
}

TEST(IecClientParseTest, DataBlocks) {
  auto sets = ParseDataBlock("1.8.0(000010.00*kWh)\r\nF.F(0)(1)\r\n(x)\r\n");
  ASSERT_TRUE(sets);
  ASSERT_EQ(sets->size(), 4u);
  EXPECT_EQ((*sets)[0], (DataSet{"1.8.0", "000010.00", "kWh"}));
  EXPECT_EQ((*sets)[1], (DataSet{"F.F", "0", ""}));
  EXPECT_EQ((*sets)[2], (DataSet{"", "1", ""}));  // several sets per line
  EXPECT_EQ((*sets)[3], (DataSet{"", "x", ""}));
  EXPECT_TRUE(ParseDataBlock("")->empty());
  EXPECT_FALSE(ParseDataBlock("1.8.0(1"));
  EXPECT_FALSE(ParseDataBlock("1.8.0"));
  EXPECT_FALSE(ParseDataBlock("1.8.0(1*kWh*x)"));
  EXPECT_FALSE(ParseDataBlock("1.8!0(1)"));
  EXPECT_FALSE(ParseDataBlock("1.8.0(1\x01)"));
}

TEST(IecClientParseTest, Identifications) {
  auto id = ParseIdentification("/INM5PRO380-Mod");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->manufacturer, "INM");
  EXPECT_EQ(id->baud, 9600);
  EXPECT_EQ(id->identification, "PRO380-Mod");
  auto mode_b = ParseIdentification("/ABCEmeter");
  ASSERT_TRUE(mode_b);
  EXPECT_FALSE(mode_b->baud);  // 'E' is no mode C character
  EXPECT_FALSE(ParseIdentification("/IN5x"));
  EXPECT_FALSE(ParseIdentification("/1NM5x"));
  EXPECT_FALSE(ParseIdentification("INM5x"));
  EXPECT_FALSE(ParseIdentification("/INM5" + std::string(17, 'x')));
  EXPECT_FALSE(ParseIdentification("/INM5a/b"));
}

TEST(IecClientTest, SelectsTheFastestRateBothAllow) {
  for (const auto& [offered, max_baud, selected] :
       std::vector<std::tuple<std::string, int, int>>{{"/INM5x\r\n", 9600, 9600},
                                                      {"/INM5x\r\n", 2400, 2400},
                                                      {"/INM2x\r\n", 9600, 1200},
                                                      {"/INM6x\r\n", 9600, 9600},
                                                      {"/INM5x\r\n", 300, 300},
                                                      {"/INM5x\r\n", 1000, 600}}) {
    IecClient client(ClientOptions{.max_baud = max_baud});
    const TimePoint now{};
    client.SignOn("", now);
    client.Feed(Bytes(offered), now);
    ASSERT_TRUE(client.Poll(now).outcome);
    EXPECT_EQ(client.SelectedBaud(), selected) << offered << " " << max_baud;
    EXPECT_EQ(client.SelectOption(false, now).baud_after_send, selected);
  }
}

TEST(IecClientTest, AModeBMeterHasNoSelectedRate) {
  IecClient client(ClientOptions{});
  client.SignOn("", TimePoint{});
  client.Feed(Bytes("/ABCEmeter\r\n"), TimePoint{});
  ASSERT_TRUE(client.Poll(TimePoint{}).outcome);
  ASSERT_TRUE(client.identification());
  EXPECT_FALSE(client.SelectedBaud());
}

TEST(IecClientTest, OverlongAnswersAreMalformed) {
  IecClient client(ClientOptions{});
  client.SignOn("", TimePoint{});
  client.Feed(Bytes("/INM5" + std::string(40, 'x')), TimePoint{});
  const ClientStep step = client.Poll(TimePoint{});
  ASSERT_TRUE(step.outcome);
  const auto* error = std::get_if<ClientError>(&*step.outcome);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->kind, ClientErrorKind::kMalformed);
  EXPECT_EQ(client.counters().malformed, 1u);
  EXPECT_FALSE(client.busy());
}

TEST(IecClientTest, IdleBytesAreIgnoredAndBytesAfterTheAnswerCounted) {
  IecClient client(ClientOptions{});
  client.Feed(Bytes("/INM5x\r\n"), TimePoint{});
  EXPECT_EQ(client.counters().chars, 0u);
  EXPECT_FALSE(client.NextDeadline());
  client.SignOn("", TimePoint{});
  EXPECT_EQ(client.NextDeadline(), TimePoint{} + 2s);
  client.Feed(Bytes("/INM5x\r\nzz"), TimePoint{} + 1s);
  EXPECT_EQ(client.NextDeadline(), TimePoint{} + 3s);  // restarted by the characters
  EXPECT_TRUE(client.Poll(TimePoint{} + 1s).outcome);
  EXPECT_EQ(client.counters().skipped_chars, 2u);
}

TEST(IecClientTest, ParityBitsOnTheLine) {
  IecClient client(ClientOptions{.parity_on_line = true});
  const ClientStep step = client.SignOn("", TimePoint{});
  ASSERT_EQ(step.send.size(), 5u);
  EXPECT_EQ(step.send[0], 0xAF);  // '/' = 0x2F has five ones: the parity bit is set
  EXPECT_EQ(step.send[1], 0x3F);  // '?' = 0x3F has six: it is not
}

}  // namespace
}  // namespace pro380::iec62056
