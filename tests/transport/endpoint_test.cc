#include "transport/endpoint.h"

#include <gtest/gtest.h>

namespace pro380::transport {
namespace {

TEST(ParseTcpEndpoint, TakesIpv4Ipv6AndLocalhost) {
  EXPECT_EQ(*ParseTcpEndpoint("127.0.0.1:1502"), (TcpEndpoint{"127.0.0.1", 1502}));
  EXPECT_EQ(*ParseTcpEndpoint("[::1]:502"), (TcpEndpoint{"::1", 502}));
  EXPECT_EQ(*ParseTcpEndpoint("localhost:0"), (TcpEndpoint{"127.0.0.1", 0}));
  EXPECT_EQ(*ParseTcpEndpoint("0.0.0.0:65535"), (TcpEndpoint{"0.0.0.0", 65535}));
}

TEST(ParseTcpEndpoint, RefusesWhatIsNotAnEndpointNamingTheForm) {
  for (const char* bad :
       {"1502", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "example.com:502",
        "::1:502", "[::1:502", "[127.0.0.1]:502", ":502", "127.0.0.1:15x"}) {
    const auto parsed = ParseTcpEndpoint(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("ADDR:PORT"), std::string::npos) << bad;
  }
}

TEST(TcpEndpointToString, BracketsIpv6) {
  EXPECT_EQ(ToString({"127.0.0.1", 1502}), "127.0.0.1:1502");
  EXPECT_EQ(ToString({"::1", 1502}), "[::1]:1502");
}

TEST(ParseSerialSpec, TakesDeviceBaudAndParity) {
  EXPECT_EQ(*ParseSerialSpec("/dev/ttyUSB0"), (SerialSpec{"/dev/ttyUSB0", false, {}, {}}));
  EXPECT_EQ(*ParseSerialSpec("/dev/ttyUSB0:9600"), (SerialSpec{"/dev/ttyUSB0", false, 9600, {}}));
  EXPECT_EQ(*ParseSerialSpec("/dev/ttyUSB0:2400:N"),
            (SerialSpec{"/dev/ttyUSB0", false, 2400, SerialParity::kNone}));
  EXPECT_EQ(*ParseSerialSpec("pty:/tmp/meter:300:O"),
            (SerialSpec{"/tmp/meter", true, 300, SerialParity::kOdd}));
  EXPECT_EQ(*ParseSerialSpec("pty:/tmp/meter"), (SerialSpec{"/tmp/meter", true, {}, {}}));
  EXPECT_EQ(ParseSerialSpec("pty:/tmp/m:9600:e")->parity, SerialParity::kEven);
}

TEST(ParseSerialSpec, RefusesBadBaudParityAndEmptyDevice) {
  for (const char* bad :
       {"", "pty:", ":9600", "/dev/ttyS0:9601", "/dev/ttyS0:fast", "/dev/ttyS0:9600:X",
        "/dev/ttyS0:9600:EE", "/dev/ttyS0::E", "pty:/tmp/m:9600:E:1"}) {
    const auto parsed = ParseSerialSpec(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("DEV[:BAUD[:PARITY]]"), std::string::npos) << bad;
  }
}

TEST(ParityLetter, IsTheUsualLetter) {
  EXPECT_EQ(ParityLetter(SerialParity::kNone), 'N');
  EXPECT_EQ(ParityLetter(SerialParity::kEven), 'E');
  EXPECT_EQ(ParityLetter(SerialParity::kOdd), 'O');
}

}  // namespace
}  // namespace pro380::transport
