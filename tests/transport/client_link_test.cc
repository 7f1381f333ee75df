#include "transport/client_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <string>

namespace pro380::transport {
namespace {

// A pty pair: the test holds the master; the link opens the slave as it opens a USB adapter. The
// master sees the termios the slave was given, which is what a serial driver would apply — the
// speed; Linux's pty driver forces 8 bits without parity, so parity shows only in the link's
// own record of its settings.
class Pty {
 public:
  Pty() {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ >= 0 && grantpt(master_) == 0 && unlockpt(master_) == 0) {
      slave_path_ = ptsname(master_);
    }
  }
  ~Pty() {
    if (master_ >= 0) close(master_);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;

  const std::string& slave_path() const { return slave_path_; }
  termios Settings() const {
    termios tio{};
    tcgetattr(master_, &tio);
    return tio;
  }

 private:
  int master_ = -1;
  std::string slave_path_;
};

TEST(ClientLinkTest, SerialLinkStartsWithItsSettingsAndSwitchesToNewOnes) {
  Pty pty;
  ASSERT_FALSE(pty.slave_path().empty());
  auto link = ClientLink::OpenSerial(pty.slave_path(), {.baud = 9600});
  ASSERT_TRUE(link.ok()) << link.status().message();
  ASSERT_TRUE((*link)->serial_settings().has_value());
  EXPECT_EQ(ToString(*(*link)->serial_settings()), "9600 8E1");
  termios tio = pty.Settings();
  EXPECT_EQ(cfgetospeed(&tio), B9600);

  const SerialSettings after{.baud = 4800, .parity = SerialParity::kNone, .stop_bits = 1};
  ASSERT_TRUE((*link)->SwitchSerialSettings(after).ok());
  EXPECT_EQ(ToString(*(*link)->serial_settings()), "4800 8N1");
  tio = pty.Settings();
  EXPECT_EQ(cfgetospeed(&tio), B4800);

  ASSERT_TRUE((*link)->SwitchSerialSettings({.baud = 2400, .parity = SerialParity::kOdd}).ok());
  tio = pty.Settings();
  EXPECT_EQ(cfgetospeed(&tio), B2400);
  EXPECT_EQ(ToString(*(*link)->serial_settings()), "2400 8O1");
}

TEST(ClientLinkTest, SwitchingATcpLinkChangesNothing) {
  // A listening socket so the connect succeeds; the gateway's serial side is not the client's.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  auto endpoint = ParseTcpEndpoint("127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  ASSERT_TRUE(endpoint.ok());
  auto link = ClientLink::ConnectTcp(*endpoint, std::chrono::seconds(2));
  ASSERT_TRUE(link.ok()) << link.status().message();
  EXPECT_FALSE((*link)->serial_settings().has_value());
  EXPECT_TRUE((*link)->SwitchSerialSettings({.baud = 4800}).ok());
  EXPECT_FALSE((*link)->serial_settings().has_value());
  close(listener);
}

}  // namespace
}  // namespace pro380::transport
