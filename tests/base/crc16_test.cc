#include "base/crc16.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace pro380 {
namespace {

// The frame without its last two bytes checks to those bytes, low byte first.
void ExpectFrameCrc(const std::vector<uint8_t>& frame) {
  ASSERT_GE(frame.size(), 3u);
  const std::span<const uint8_t> body(frame.data(), frame.size() - 2);
  const uint16_t crc = Crc16Modbus(body);
  EXPECT_EQ(crc & 0xFF, frame[frame.size() - 2]);
  EXPECT_EQ(crc >> 8, frame[frame.size() - 1]);
  EXPECT_EQ(Crc16Modbus(frame), 0) << "a frame with its CRC checks to zero";
}

TEST(Crc16ModbusTest, CheckValueOfTheCatalogue) {
  constexpr std::array<uint8_t, 9> kDigits = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  static_assert(Crc16Modbus(kDigits) == 0x4B37);
}

TEST(Crc16ModbusTest, EmptyInputIsTheInitialValue) {
  EXPECT_EQ(Crc16Modbus(std::span<const uint8_t>()), 0xFFFF);
}

TEST(Crc16ModbusTest, RealClientFramesOfReference) {
  ExpectFrameCrc({0x01, 0x03, 0x50, 0x0C, 0x00, 0x06, 0x14, 0xCB});  // Vestel EVC04 poll
  ExpectFrameCrc({0x01, 0x03, 0x50, 0x0C, 0x00, 0x02, 0x15, 0x08});  // BMW wallbox
  ExpectFrameCrc({0x01, 0x03, 0x10, 0x10, 0x00, 0x01, 0x81, 0x0F});  // Victron probe
  ExpectFrameCrc({0x01, 0x03, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x93, 0x70});
}

TEST(Crc16ModbusTest, WriteCommandsOfReference) {
  ExpectFrameCrc({0x01, 0x06, 0x40, 0x11, 0x00, 0x02, 0x4D, 0xCE});
  ExpectFrameCrc({0x01, 0x06, 0x40, 0x03, 0x00, 0x0A, 0xEC, 0x0D});
  ExpectFrameCrc({0x01, 0x10, 0x40, 0x0D, 0x00, 0x02, 0x04, 0x41, 0x20, 0x00, 0x00, 0x16, 0x03});
  ExpectFrameCrc({0x01, 0x06, 0x60, 0x48, 0x00, 0x02, 0x96, 0x1D});
  ExpectFrameCrc({0x01, 0x10, 0x60, 0x49, 0x00, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x9F, 0xF7});
}

TEST(Crc16ModbusTest, ContinuesAcrossPieces) {
  const std::array<uint8_t, 6> frame = {0x01, 0x03, 0x50, 0x0C, 0x00, 0x06};
  const std::span<const uint8_t> all(frame);
  EXPECT_EQ(Crc16Modbus(all.subspan(2), Crc16Modbus(all.first(2))), Crc16Modbus(all));
}

}  // namespace
}  // namespace pro380
