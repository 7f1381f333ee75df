// The Modbus server (protocol/modbus) in front of the PRO380 bank: the official write commands
// of reference pro380-protocols.md §1.6 as request PDUs (the frames without address and CRC), and
// the exceptions product.md decides, as bytes on the wire.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "device/pro380_register_bank.h"
#include "protocol/modbus/server.h"

namespace pro380::device {
namespace {

using modbus::Pdu;

class ServerBankTest : public ::testing::Test {
 protected:
  ServerBankTest()
      : meter_(metering::MeterConfig{}), bank_(meter_, settings_), server_(bank_, {.unit_id = 1}) {}

  // The response PDU as bytes (function code first); empty when nothing is sent.
  std::vector<uint8_t> Send(std::vector<uint8_t> request, uint8_t unit_id = 1) {
    Pdu pdu{request[0], std::vector<uint8_t>(request.begin() + 1, request.end())};
    const modbus::WriteContext context{
        .interface = "modbus-rtu", .client = "test", .unit_id = unit_id};
    const std::optional<Pdu> reply = server_.Handle(pdu, context);
    if (!reply) return {};
    std::vector<uint8_t> bytes = {reply->function};
    bytes.insert(bytes.end(), reply->data.begin(), reply->data.end());
    return bytes;
  }

  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380RegisterBank bank_;
  modbus::Server server_;
};

TEST_F(ServerBankTest, OfficialWriteCommandsEchoAndApply) {
  // 01 06 4011 0002: parity none; FC06 echoes the request.
  EXPECT_EQ(Send({0x06, 0x40, 0x11, 0x00, 0x02}),
            (std::vector<uint8_t>{0x06, 0x40, 0x11, 0x00, 0x02}));
  EXPECT_EQ(settings_.parity, Parity::kNone);
  // 01 10 400D 0002 04 41 20 00 00: S0 rate 10; FC10 answers address and quantity.
  EXPECT_EQ(Send({0x10, 0x40, 0x0D, 0x00, 0x02, 0x04, 0x41, 0x20, 0x00, 0x00}),
            (std::vector<uint8_t>{0x10, 0x40, 0x0D, 0x00, 0x02}));
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 10);
  // 01 06 6048 0002: tariff T2.
  EXPECT_EQ(Send({0x06, 0x60, 0x48, 0x00, 0x02}),
            (std::vector<uint8_t>{0x06, 0x60, 0x48, 0x00, 0x02}));
  EXPECT_EQ(meter_.config().tariff, metering::Tariff::kT2);
  // 01 10 6049 0002 04 0000 0000: day counter reset, at the odd address.
  EXPECT_EQ(Send({0x10, 0x60, 0x49, 0x00, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00}),
            (std::vector<uint8_t>{0x10, 0x60, 0x49, 0x00, 0x02}));
  // 01 06 4003 000A: ID 10 (the app moves the server to it after the reply).
  EXPECT_EQ(Send({0x06, 0x40, 0x03, 0x00, 0x0A}),
            (std::vector<uint8_t>{0x06, 0x40, 0x03, 0x00, 0x0A}));
  EXPECT_EQ(settings_.modbus_id, 10);
}

TEST_F(ServerBankTest, ExceptionsOnTheWire) {
  // A read reaching past 0x401F: 83 02.
  EXPECT_EQ(Send({0x03, 0x40, 0x00, 0x00, 0x21}), (std::vector<uint8_t>{0x83, 0x02}));
  // C-10, then back to C-01: the second write is 86 03.
  EXPECT_EQ(Send({0x06, 0x40, 0x0F, 0x00, 0x0A}).size(), 5u);
  EXPECT_EQ(Send({0x06, 0x40, 0x0F, 0x00, 0x01}), (std::vector<uint8_t>{0x86, 0x03}));
  // A read-only register: 86 02.
  EXPECT_EQ(Send({0x06, 0x40, 0x00, 0x12, 0x34}), (std::vector<uint8_t>{0x86, 0x02}));
  // Sealed: 90 03, nothing changes.
  bank_.set_sealed(true);
  EXPECT_EQ(Send({0x10, 0x40, 0x0D, 0x00, 0x02, 0x04, 0x44, 0x7A, 0x00, 0x00}),
            (std::vector<uint8_t>{0x90, 0x03}));
  EXPECT_EQ(meter_.config().s0_rate.impulses_per_kwh, 1000);
}

TEST_F(ServerBankTest, ReadsTheTariffAndTheOddAddressFloatInOneRequest) {
  // 03 6048 0003: the tariff word and the day counter's two words.
  EXPECT_EQ(Send({0x03, 0x60, 0x48, 0x00, 0x03}),
            (std::vector<uint8_t>{0x03, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00}));
}

}  // namespace
}  // namespace pro380::device
