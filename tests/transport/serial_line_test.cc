#include "transport/serial_line.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <asio.hpp>
#include <fstream>

#include "testing/run_binary.h"

namespace pro380::transport {
namespace {

using namespace std::chrono_literals;

// A client's end of the pty, opened through the link as a user's program would, in raw mode.
int OpenClient(const std::string& path) {
  const int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return fd;
  termios tio{};
  tcgetattr(fd, &tio);
  cfmakeraw(&tio);
  tcsetattr(fd, TCSANOW, &tio);
  return fd;
}

std::string ReadClient(int fd, asio::io_context& io, size_t n) {
  std::string got;
  char buffer[256];
  for (int i = 0; i < 200 && got.size() < n; ++i) {
    io.run_for(5ms);
    const ssize_t k = read(fd, buffer, sizeof buffer);
    if (k > 0) got.append(buffer, static_cast<size_t>(k));
  }
  return got;
}

TEST(SerialLine, APtyCarriesBytesBothWaysThroughItsLink) {
  const std::string dir = testing::MakeTempDir("pty");
  const std::string link = dir + "/meter";
  asio::io_context io;
  std::string received;
  auto line = SerialLine::Open(io, {link, true, {}, {}}, SerialSettings{},
                               [&](std::span<const uint8_t> bytes, TimePoint) {
                                 received.append(bytes.begin(), bytes.end());
                               });
  ASSERT_TRUE(line.ok()) << line.status().message();
  const int client = OpenClient(link);
  ASSERT_GE(client, 0);
  ASSERT_EQ(write(client, "\x01\x03\x40\x00", 4), 4);
  for (int i = 0; i < 200 && received.size() < 4; ++i) io.run_for(5ms);
  EXPECT_EQ(received, std::string("\x01\x03\x40\x00", 4));
  bool written = false;
  (*line)->Send({'o', 'k'}, [&] { written = true; });
  EXPECT_EQ(ReadClient(client, io, 2), "ok");
  EXPECT_TRUE(written);
  EXPECT_EQ((*line)->counters().bytes_received, 4u);
  EXPECT_EQ((*line)->counters().bytes_sent, 2u);
  close(client);
}

TEST(SerialLine, ClientsMayComeAndGo) {
  const std::string link = testing::MakeTempDir("pty") + "/meter";
  asio::io_context io;
  std::string received;
  auto line = SerialLine::Open(io, {link, true, {}, {}}, SerialSettings{},
                               [&](std::span<const uint8_t> bytes, TimePoint) {
                                 received.append(bytes.begin(), bytes.end());
                               });
  ASSERT_TRUE(line.ok());
  for (char c : std::string("abc")) {
    const int client = OpenClient(link);
    ASSERT_GE(client, 0);
    ASSERT_EQ(write(client, &c, 1), 1);
    io.run_for(20ms);
    close(client);
    io.run_for(20ms);
  }
  EXPECT_EQ(received, "abc");
  EXPECT_EQ((*line)->counters().read_errors, 0u);
}

TEST(SerialLine, TheLinkIsRemovedWhenTheLineCloses) {
  const std::string link = testing::MakeTempDir("pty") + "/meter";
  asio::io_context io;
  {
    auto line = SerialLine::Open(io, {link, true, {}, {}}, SerialSettings{},
                                 [](std::span<const uint8_t>, TimePoint) {});
    ASSERT_TRUE(line.ok());
    struct stat st {};
    ASSERT_EQ(lstat(link.c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode));
  }
  struct stat st {};
  EXPECT_NE(lstat(link.c_str(), &st), 0);
}

TEST(SerialLine, AStaleLinkIsReplacedAndAFileIsRefused) {
  const std::string dir = testing::MakeTempDir("pty");
  asio::io_context io;
  const std::string stale = dir + "/stale";
  ASSERT_EQ(symlink("/dev/pts/nonexistent", stale.c_str()), 0);
  auto replaced = SerialLine::Open(io, {stale, true, {}, {}}, SerialSettings{},
                                   [](std::span<const uint8_t>, TimePoint) {});
  EXPECT_TRUE(replaced.ok());
  const std::string file = dir + "/file";
  std::ofstream(file) << "keep me";
  auto refused = SerialLine::Open(io, {file, true, {}, {}}, SerialSettings{},
                                  [](std::span<const uint8_t>, TimePoint) {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("not a link"), std::string::npos);
  std::ifstream in(file);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "keep me");
}

TEST(SerialLine, AMissingDeviceIsAnIoErrorNamingIt) {
  asio::io_context io;
  auto line = SerialLine::Open(io, {"/dev/pro380-no-such-tty", false, {}, {}}, SerialSettings{},
                               [](std::span<const uint8_t>, TimePoint) {});
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.status().code(), Status::Code::kIoError);
  EXPECT_NE(line.status().message().find("/dev/pro380-no-such-tty"), std::string::npos);
}

TEST(SerialLine, SettingsCanChangeWhileOpen) {
  const std::string link = testing::MakeTempDir("pty") + "/meter";
  asio::io_context io;
  auto line = SerialLine::Open(io, {link, true, {}, {}}, SerialSettings{},
                               [](std::span<const uint8_t>, TimePoint) {});
  ASSERT_TRUE(line.ok());
  const SerialSettings slow{2400, SerialParity::kNone, 1};
  ASSERT_TRUE((*line)->Apply(slow).ok());
  EXPECT_EQ((*line)->settings(), slow);
}

TEST(WireTime, CountsStartDataParityAndStopBits) {
  EXPECT_EQ(WireTime(1, {9600, SerialParity::kEven, 1}), Duration(1145834));  // 11 bits
  EXPECT_EQ(WireTime(10, {9600, SerialParity::kNone, 1}), Duration(10 * 1041667));
  EXPECT_EQ(WireTime(0, {300, SerialParity::kOdd, 1}), Duration(0));
}

}  // namespace
}  // namespace pro380::transport
