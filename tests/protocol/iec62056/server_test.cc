#include "protocol/iec62056/server.h"

#include <gtest/gtest.h>

#include <string>

#include "fake_provider.h"

namespace pro380::iec62056 {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string Stx(const std::string& body) {
  const std::string tail = body + kEtx;
  return std::string(1, kStx) + tail + Bcc(tail);
}
std::string Soh(const std::string& body) {
  const std::string tail = body + kEtx;
  return std::string(1, kSoh) + tail + Bcc(tail);
}
const std::string kReadout = Stx("1.8.0(000123.45*kWh)\r\n1.2.3(7)\r\n!\r\n");
const std::string kIdentification = "/ABC5TEST\r\n";

class ServerTest : public ::testing::Test {
 protected:
  void Feed(const std::string& chars) {
    server_.Feed(std::span(reinterpret_cast<const uint8_t*>(chars.data()), chars.size()), now_);
  }
  // Everything due within `wait`, as one string of sent characters and "[baud N]" marks.
  std::string Run(Duration wait) {
    std::string out;
    const TimePoint end = now_ + wait;
    while (true) {
      const auto next = server_.NextDeadline();
      if (!next || *next > end) break;
      now_ = std::max(now_, *next);
      for (const Action& action : server_.Poll(now_)) {
        out += action.kind == Action::Kind::kSend ? action.chars
                                                  : "[baud " + std::to_string(action.baud) + "]";
      }
    }
    now_ = end;
    return out;
  }
  std::string Exchange(const std::string& request, Duration wait = seconds(1)) {
    Feed(request);
    return Run(wait);
  }

  testing::FakeProvider provider_;
  Server server_{provider_, ServerOptions{}};
  TimePoint now_{seconds(1000)};
};

TEST(FramesTest, BccIsTheXorOfTheCharacters) {
  EXPECT_EQ(Bcc(""), 0);
  EXPECT_EQ(Bcc("P0\x02(1234567)\x03"),
            'P' ^ '0' ^ 2 ^ '(' ^ '1' ^ '2' ^ '3' ^ '4' ^ '5' ^ '6' ^ '7' ^ ')' ^ 3);
}

TEST(FramesTest, EvenParityIsAddedAndChecked) {
  EXPECT_EQ(AddEvenParity('/'), 0xAF);  // 0101111: five ones
  EXPECT_EQ(AddEvenParity('?'), 0x3F);  // 0111111: six ones
  EXPECT_EQ(StripEvenParity(0xAF), '/');
  EXPECT_EQ(StripEvenParity('/'), std::nullopt);
  for (int c = 0; c < 128; ++c) {
    EXPECT_EQ(StripEvenParity(AddEvenParity(static_cast<uint8_t>(c))), c);
  }
}

TEST(FramesTest, BaudCharacters) {
  EXPECT_EQ(BaudCharacter(9600, ProtocolMode::kC), '5');
  EXPECT_EQ(BaudCharacter(9600, ProtocolMode::kB), 'E');
  EXPECT_EQ(BaudCharacter(300, ProtocolMode::kB), std::nullopt);
  EXPECT_EQ(BaudOfModeCCharacter('0'), 300);
  EXPECT_EQ(BaudOfModeCCharacter('6'), 19200);
  EXPECT_EQ(BaudOfModeCCharacter('7'), std::nullopt);
}

TEST_F(ServerTest, ModeCReadoutSwitchesTheBaudRateAfterTheOptionSelect) {
  EXPECT_EQ(Exchange("/?!\r\n"), kIdentification);
  EXPECT_EQ(server_.state(), Server::State::kAwaitOption);
  EXPECT_EQ(Exchange("\x06"
                     "050\r\n"),
            "[baud 9600]" + kReadout + "[baud 300]");
  EXPECT_EQ(server_.state(), Server::State::kIdle);
  EXPECT_EQ(server_.counters().readouts, 1u);
}

TEST_F(ServerTest, TheAnswerWaitsForTheReactionTime) {
  Feed("/?!\r\n");
  EXPECT_EQ(server_.NextDeadline(), now_ + milliseconds(200));
  EXPECT_TRUE(server_.Poll(now_ + milliseconds(199)).empty());
  EXPECT_EQ(server_.Poll(now_ + milliseconds(200)).size(), 1u);
}

TEST_F(ServerTest, AddressedRequests) {
  EXPECT_EQ(Exchange("/?12345678!\r\n"), kIdentification);
  EXPECT_EQ(Exchange("/?87654321!\r\n"), "");
  EXPECT_EQ(server_.counters().other_address, 1u);
}

TEST_F(ServerTest, AMeterThatDoesNotCommunicateIsSilent) {
  provider_.communicating = false;
  EXPECT_EQ(Exchange("/?!\r\n"), "");
  EXPECT_EQ(server_.counters().not_communicating, 1u);
  provider_.communicating = true;
  EXPECT_EQ(Exchange("/?!\r\n"), kIdentification);
}

TEST_F(ServerTest, NoOptionSelectGivesTheReadoutAtTheInitialRate) {
  Feed("/?!\r\n");
  // Identification: 11 characters at 300 baud leave after 367 ms; then 1.5 s.
  const std::string out = Run(seconds(3));
  EXPECT_EQ(out, kIdentification + kReadout);
  EXPECT_EQ(server_.counters().option_timeouts, 1u);
}

TEST_F(ServerTest, LowerBaudRateAndRejectedOptions) {
  Exchange("/?!\r\n");
  EXPECT_EQ(Exchange("\x06"
                     "030\r\n"),
            "[baud 2400]" + kReadout + "[baud 300]");
  Exchange("/?!\r\n");
  EXPECT_EQ(Exchange("\x06"
                     "060\r\n"),
            "");  // 19200 is above the proposed 9600
  Exchange("/?!\r\n");
  EXPECT_EQ(Exchange("\x06"
                     "152\r\n"),
            "");  // secondary protocol, manufacturer mode
  EXPECT_EQ(server_.counters().rejected_options, 2u);
}

TEST_F(ServerTest, ProgrammingSession) {
  Exchange("/?!\r\n");
  EXPECT_EQ(Exchange("\x06"
                     "051\r\n"),
            "[baud 9600]" + Soh("P0\x02(12345678)"));
  EXPECT_EQ(Exchange(Soh("W1\x02"
                         "1.2.3(42)")),
            Stx("(ERROR NO PASSWORD)"));
  EXPECT_EQ(Exchange(Soh("P1\x02(secret)")), "\x06");
  EXPECT_EQ(Exchange(Soh("R1\x02"
                         "1.2.3()")),
            Stx("1.2.3(7)"));
  EXPECT_EQ(Exchange(Soh("W1\x02"
                         "1.2.3(42)")),
            "\x06");
  EXPECT_EQ(provider_.setting, 42);
  EXPECT_EQ(Exchange(Soh("W1\x02"
                         "1.2.3(420)")),
            Stx("(ERROR VALUE)"));
  EXPECT_EQ(Exchange(Soh("W1\x02"
                         "1.8.0(1)")),
            Stx("(ERROR READ ONLY)"));
  EXPECT_EQ(Exchange(Soh("R1\x02"
                         "9.9.9()")),
            Stx("(ERROR ADDRESS)"));
  EXPECT_EQ(Exchange(Soh("E2\x02"
                         "1.2.3(1)")),
            Stx("(ERROR COMMAND)"));
  EXPECT_EQ(Exchange(Soh("B0")), "[baud 300]");
  EXPECT_EQ(server_.state(), Server::State::kIdle);
  EXPECT_EQ(server_.counters().writes, 1u);
}

TEST_F(ServerTest, BccErrorGetsNakAndNakRepeatsTheAnswer) {
  Exchange("/?!\r\n");
  Exchange(
      "\x06"
      "051\r\n");
  std::string bad = Soh("P1\x02(secret)");
  bad.back() ^= 1;
  EXPECT_EQ(Exchange(bad), "\x15");
  EXPECT_EQ(Exchange(Soh("R1\x02"
                         "1.2.3()")),
            Stx("1.2.3(7)"));
  EXPECT_EQ(Exchange("\x15"), Stx("1.2.3(7)"));
  EXPECT_EQ(server_.counters().bcc_errors, 1u);
  EXPECT_EQ(server_.counters().repeats, 1u);
}

TEST_F(ServerTest, WrongPasswordsLockOut) {
  Exchange("/?!\r\n");
  Exchange(
      "\x06"
      "051\r\n");
  for (int k = 0; k < 3; ++k) {
    EXPECT_EQ(Exchange(Soh("P1\x02(guess)")), Stx("(ERROR PASSWORD)"));
  }
  EXPECT_EQ(Exchange(Soh("P1\x02(secret)")), Stx("(ERROR LOCKED OUT)"));
  EXPECT_EQ(server_.counters().lockouts, 1u);
  // The lock-out outlives the session, and ends after its time.
  Exchange(Soh("B0"));
  now_ += std::chrono::minutes(10);
  Exchange("/?!\r\n");
  Exchange(
      "\x06"
      "051\r\n");
  EXPECT_EQ(Exchange(Soh("P1\x02(secret)")), "\x06");
}

TEST_F(ServerTest, ProgrammingModeEndsAfterInactivity) {
  Exchange("/?!\r\n");
  Exchange(
      "\x06"
      "051\r\n");
  EXPECT_EQ(Run(seconds(118)), "");  // 119 s after the option select
  EXPECT_EQ(Run(seconds(2)), "[baud 300]");
  EXPECT_EQ(server_.state(), Server::State::kIdle);
  EXPECT_EQ(server_.counters().inactivity_ends, 1u);
}

TEST_F(ServerTest, PartialMessageIsDroppedAfterTheInterCharacterTime) {
  Feed("/?!");
  now_ += milliseconds(1600);
  EXPECT_EQ(Exchange("\r\n"), "");
  EXPECT_EQ(server_.counters().dropped_messages, 1u);
  EXPECT_EQ(Exchange("/?!\r\n"), kIdentification);
}

TEST_F(ServerTest, GarbageAndOverlongRequestsAreSkipped) {
  EXPECT_EQ(Exchange("xyz\r\n"), "");
  EXPECT_EQ(server_.counters().skipped_chars, 5u);
  EXPECT_EQ(Exchange("/?" + std::string(40, '1') + "!\r\n"), "");
  EXPECT_EQ(server_.counters().overlong_messages, 1u);
  EXPECT_EQ(Exchange("\xAF?!\r\n"), "");  // a character with its parity bit
  EXPECT_EQ(Exchange("/?!\r\n"), kIdentification);
}

TEST_F(ServerTest, SignOnMidSessionStartsOver) {
  Exchange("/?!\r\n");
  Exchange(
      "\x06"
      "051\r\n");
  Feed(std::string(1, kSoh) +
       "W1\x02"
       "1.2.3(4");  // no ETX
  EXPECT_EQ(Exchange("/?!\r\n"), "[baud 300]" + kIdentification);
  EXPECT_EQ(server_.counters().restarts, 1u);
  EXPECT_EQ(server_.counters().dropped_messages, 1u);
  EXPECT_EQ(Exchange("\x06"
                     "050\r\n"),
            "[baud 9600]" + kReadout + "[baud 300]");
}

TEST_F(ServerTest, SignOnBeforeTheReadoutLeftCancelsIt) {
  Exchange("/?!\r\n");
  Feed(
      "\x06"
      "050\r\n");
  EXPECT_EQ(Exchange("/?!\r\n"), kIdentification);  // nothing of the old session was taken
}

TEST(ServerModesTest, ModeBChangesTheRateAfterTheIdentification) {
  testing::FakeProvider provider;
  Server server(provider, ServerOptions{.mode = ProtocolMode::kB});
  const std::string request = "/?!\r\n";
  TimePoint now{seconds(1)};
  server.Feed(std::span(reinterpret_cast<const uint8_t*>(request.data()), request.size()), now);
  std::string out;
  for (const Action& a : server.Poll(now + seconds(5))) {
    out += a.kind == Action::Kind::kSend ? a.chars : "[" + std::to_string(a.baud) + "]";
  }
  EXPECT_EQ(out, "/ABCETEST\r\n[9600]" + kReadout + "[300]");
}

TEST(ServerModesTest, ModeAReadsOutAtTheInitialRate) {
  testing::FakeProvider provider;
  Server server(provider, ServerOptions{.mode = ProtocolMode::kA});
  const std::string request = "/?!\r\n";
  TimePoint now{seconds(1)};
  server.Feed(std::span(reinterpret_cast<const uint8_t*>(request.data()), request.size()), now);
  std::string out;
  for (const Action& a : server.Poll(now + seconds(5))) out += a.chars;
  EXPECT_EQ(out, "/ABC@TEST\r\n" + kReadout);
}

}  // namespace
}  // namespace pro380::iec62056
