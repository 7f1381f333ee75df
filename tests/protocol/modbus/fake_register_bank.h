// A RegisterBank for the protocol tests: a small map of address → word with holes, one locked
// register, settings with allowed values and one register whose read fails. Its layout is
// documented in docs/protocols/modbus.md ("Golden transcripts") so the transcripts can be read.
#ifndef PRO380_TESTS_PROTOCOL_MODBUS_FAKE_REGISTER_BANK_H_
#define PRO380_TESTS_PROTOCOL_MODBUS_FAKE_REGISTER_BANK_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "protocol/modbus/register_bank.h"

namespace pro380::modbus::testing {

inline constexpr uint16_t kFailingRegister = 0x7000;
inline constexpr uint16_t kLockedRegister = 0x400F;

class FakeRegisterBank : public RegisterBank {
 public:
  // 0x4000..0x4011 info and settings, 0x5000..0x5011 voltages, frequency and currents (16 A
  // each as float32 ABCD at 0x500C..0x5011), 0x6048 tariff, 0x6049..0x604A day counter, and
  // 0x7000, whose read fails (exception 04). 0x4012..0x4FFF, 0x5012..0x5FFF are holes.
  FakeRegisterBank();

  std::optional<ExceptionCode> Read(FunctionCode function, uint16_t address,
                                    std::span<uint16_t> out) override;

  // Writable: 0x4010 (1..30), 0x6048 (1 or 2), 0x6049..0x604A (0 only); 0x400F is locked
  // (any value → 03); other mapped registers are read-only (02), unmapped ones too (02).
  std::optional<ExceptionCode> Write(uint16_t address, std::span<const uint16_t> words,
                                     const WriteContext& context) override;

  uint64_t writes() const { return writes_; }
  uint16_t word(uint16_t address) const { return words_.at(address); }

 private:
  std::optional<ExceptionCode> CheckWrite(uint16_t address, uint16_t value) const;

  std::map<uint16_t, uint16_t> words_;
  uint64_t writes_ = 0;  // accepted Write calls
};

inline FakeRegisterBank::FakeRegisterBank() {
  for (uint16_t address = 0x4000; address <= 0x4011; ++address) words_[address] = 0;
  words_[0x4000] = 0x1234;  // serial number, two words
  words_[0x4001] = 0x5678;
  words_[0x4003] = 0x0001;  // Modbus ID
  words_[0x4004] = 0x2580;  // 9600 baud
  words_[kLockedRegister] = 0x000A;
  words_[0x4010] = 0x000A;  // LCD cycle time
  words_[0x4011] = 0x0001;  // even parity
  for (uint16_t address = 0x5000; address <= 0x5011; ++address) words_[address] = 0;
  words_[0x5000] = 0x4366;  // 230.0 V
  words_[0x5008] = 0x4248;  // 50.0 Hz
  for (uint16_t address = 0x500C; address <= 0x5011; address += 2) words_[address] = 0x4180;
  words_[0x6048] = 0x0001;
  words_[0x6049] = 0x4120;
  words_[0x604A] = 0x0000;
  words_[kFailingRegister] = 0;
}

inline std::optional<ExceptionCode> FakeRegisterBank::Read(FunctionCode /*function*/,
                                                           uint16_t address,
                                                           std::span<uint16_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto found = words_.find(static_cast<uint16_t>(address + i));
    if (found == words_.end()) return ExceptionCode::kIllegalDataAddress;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (address + i == kFailingRegister) return ExceptionCode::kServerDeviceFailure;
    out[i] = words_.at(static_cast<uint16_t>(address + i));
  }
  return std::nullopt;
}

inline std::optional<ExceptionCode> FakeRegisterBank::CheckWrite(uint16_t address,
                                                                 uint16_t value) const {
  switch (address) {
    case 0x4010:
      return value >= 1 && value <= 30 ? std::nullopt
                                       : std::optional(ExceptionCode::kIllegalDataValue);
    case 0x6048:
      return value == 1 || value == 2 ? std::nullopt
                                      : std::optional(ExceptionCode::kIllegalDataValue);
    case 0x6049:
    case 0x604A:
      return value == 0 ? std::nullopt : std::optional(ExceptionCode::kIllegalDataValue);
    case kLockedRegister:
      return ExceptionCode::kIllegalDataValue;
    default:
      return ExceptionCode::kIllegalDataAddress;
  }
}

inline std::optional<ExceptionCode> FakeRegisterBank::Write(uint16_t address,
                                                            std::span<const uint16_t> words,
                                                            const WriteContext& /*context*/) {
  // Addresses first (02 wins over 03), then values; all or nothing.
  std::optional<ExceptionCode> worst;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto exception = CheckWrite(static_cast<uint16_t>(address + i), words[i]);
    if (exception == ExceptionCode::kIllegalDataAddress) return exception;
    if (exception && !worst) worst = exception;
  }
  if (worst) return worst;
  for (std::size_t i = 0; i < words.size(); ++i) {
    words_[static_cast<uint16_t>(address + i)] = words[i];
  }
  ++writes_;
  return std::nullopt;
}

}  // namespace pro380::modbus::testing

#endif  // PRO380_TESTS_PROTOCOL_MODBUS_FAKE_REGISTER_BANK_H_
