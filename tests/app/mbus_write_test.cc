#include "app/mbus_write.h"

#include <gtest/gtest.h>

#include "device/mbus_writes.h"

namespace pro380::app {
namespace {

using transport::SerialParity;
using transport::SerialSettings;

device::MbusWrite Write(const std::string& name, const std::string& value) {
  auto write = device::MbusSettingWrite(name, value);
  EXPECT_TRUE(write.ok()) << write.status().message();
  return write.ok() ? *write : device::MbusWrite{};
}

TEST(MbusLineAfterTest, ABaudRateWriteMovesASerialLineToTheNewRateKeepingItsFraming) {
  const SerialSettings line{.baud = 9600, .parity = SerialParity::kEven, .stop_bits = 1};
  auto after = MbusLineAfter(Write("mbus_baud_rate", "2400"), line);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(transport::ToString(*after), "2400 8E1");
  // A line the user opened at other framing keeps it: only the rate is the meter's setting.
  const SerialSettings odd{.baud = 2400, .parity = SerialParity::kNone, .stop_bits = 2};
  after = MbusLineAfter(Write("mbus_baud_rate", "300"), odd);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(transport::ToString(*after), "300 8N2");
}

TEST(MbusLineAfterTest, TheSameRateAnotherSettingOrATcpLinkChangeNothing) {
  const SerialSettings line{.baud = 4800};
  EXPECT_FALSE(MbusLineAfter(Write("mbus_baud_rate", "4800"), line).has_value());
  EXPECT_FALSE(MbusLineAfter(Write("mbus_primary_address", "7"), line).has_value());
  EXPECT_FALSE(MbusLineAfter(Write("s0_rate", "100"), line).has_value());
  EXPECT_FALSE(MbusLineAfter(Write("mbus_baud_rate", "9600"), std::nullopt).has_value());
}

TEST(MbusLineAfterTest, EveryAllowedRateIsTheRateOfItsCi) {
  for (int baud : {300, 600, 1200, 2400, 4800, 9600}) {
    const device::MbusWrite write = Write("mbus_baud_rate", std::to_string(baud));
    auto after = MbusLineAfter(write, SerialSettings{.baud = baud == 9600 ? 300u : 9600u});
    ASSERT_TRUE(after.has_value()) << baud;
    EXPECT_EQ(after->baud, static_cast<uint32_t>(baud));
  }
}

}  // namespace
}  // namespace pro380::app
