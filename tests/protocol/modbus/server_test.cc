#include "protocol/modbus/server.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "fake_register_bank.h"

namespace pro380::modbus {
namespace {

// Records the context of each write, accepts everything.
class RecordingBank : public RegisterBank {
 public:
  std::optional<ExceptionCode> Read(FunctionCode function, uint16_t /*address*/,
                                    std::span<uint16_t> out) override {
    last_read_function = function;
    for (uint16_t& word : out) word = 0xABCD;
    return std::nullopt;
  }
  std::optional<ExceptionCode> Write(uint16_t address, std::span<const uint16_t> words,
                                     const WriteContext& context) override {
    writes.push_back({address, std::vector<uint16_t>(words.begin(), words.end()),
                      std::string(context.interface), context.unit_id});
    return std::nullopt;
  }

  struct RecordedWrite {
    uint16_t address;
    std::vector<uint16_t> words;
    std::string interface;
    uint8_t unit_id;
  };
  std::vector<RecordedWrite> writes;
  std::optional<FunctionCode> last_read_function;
};

WriteContext To(uint8_t unit_id) { return WriteContext{"modbus-rtu", "test", unit_id, {}}; }

TEST(ServerTest, WritesReachTheBankWithTheirContext) {
  RecordingBank bank;
  Server server(bank, ServerOptions{5});
  const Pdu fc10{0x10, {0x40, 0x0D, 0x00, 0x02, 0x04, 0x41, 0x20, 0x00, 0x00}};
  EXPECT_EQ(server.Handle(fc10, To(5)), (Pdu{0x10, {0x40, 0x0D, 0x00, 0x02}}));
  EXPECT_EQ(server.Handle(Pdu{0x06, {0x40, 0x11, 0x00, 0x02}}, To(0)), std::nullopt);
  ASSERT_EQ(bank.writes.size(), 2u);
  EXPECT_EQ(bank.writes[0].address, 0x400D);
  EXPECT_EQ(bank.writes[0].words, (std::vector<uint16_t>{0x4120, 0x0000}));
  EXPECT_EQ(bank.writes[0].interface, "modbus-rtu");
  EXPECT_EQ(bank.writes[1].unit_id, 0) << "a broadcast write is told it was a broadcast";
}

TEST(ServerTest, TheBankIsToldWhichReadFunctionWasUsed) {
  RecordingBank bank;
  Server server(bank, ServerOptions{1});
  ASSERT_TRUE(server.Handle(Pdu{0x04, {0x50, 0x00, 0x00, 0x01}}, To(1)).has_value());
  EXPECT_EQ(bank.last_read_function, FunctionCode::kReadInputRegisters);
}

TEST(ServerTest, ANewUnitIdTakesEffectFromTheNextRequest) {
  testing::FakeRegisterBank bank;
  Server server(bank, ServerOptions{1});
  const Pdu read{0x03, {0x40, 0x00, 0x00, 0x01}};
  ASSERT_TRUE(server.Handle(read, To(1)).has_value());
  server.set_unit_id(10);
  EXPECT_FALSE(server.Handle(read, To(1)).has_value());
  EXPECT_TRUE(server.Handle(read, To(10)).has_value());
  EXPECT_EQ(server.counters().other_address, 1u);
}

TEST(ServerTest, ExceptionsAreCountedByCode) {
  testing::FakeRegisterBank bank;
  Server server(bank, ServerOptions{1});
  server.Handle(Pdu{0x01, {0x00, 0x00, 0x00, 0x01}}, To(1));
  server.Handle(Pdu{0x03, {0x45, 0x00, 0x00, 0x01}}, To(1));
  server.Handle(Pdu{0x03, {0x45, 0x00, 0x00, 0x00}}, To(1));
  server.Handle(Pdu{0x03, {0x70, 0x00, 0x00, 0x01}}, To(1));
  const ServerCounters& counters = server.counters();
  EXPECT_EQ(counters.exceptions, 4u);
  EXPECT_EQ(counters.exceptions_by_code, (std::array<uint64_t, 5>{0, 1, 1, 1, 1}));
  EXPECT_EQ(server.diagnostics().exception_errors, 4);
  EXPECT_EQ(counters.replies, 0u);
}

}  // namespace
}  // namespace pro380::modbus
