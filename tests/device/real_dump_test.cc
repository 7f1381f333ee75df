// The real-device dump of reference pro380-protocols.md §1.7 (source S3: a PRO380-Mod, firmware
// 2.18, hardware 1.32, protocol 3.2, serial 22091039), read back word for word: the meter is set
// to the dump's registers, settings and instantaneous values, and each block is read with one
// FC03 request as the dump was taken (0x4000×32, 0x5000×50, 0x6000×75).
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "device/device_settings.h"
#include "device/pro380_register_bank.h"
#include "metering/meter.h"
#include "metering/meter_state.h"

namespace pro380::device {
namespace {

using metering::Direction;
using metering::EnergyKind;
using metering::Tariff;

constexpr int64_t kUwhPerHundredth = 10'000'000;  // 0.01 kWh in µWh

// Sets the tariff-T1 registers of one energy kind and direction: the total and L1..L3, in
// hundredths of a kWh (kvarh) as the meter shows them.
void SetT1(metering::MeterState& state, EnergyKind kind, Direction d, int64_t total,
           std::array<int64_t, 3> phases) {
  auto& regs = state.registers[static_cast<int>(kind)];
  const int t1 = static_cast<int>(Tariff::kT1);
  regs.total[static_cast<int>(d)][t1] = total * kUwhPerHundredth;
  for (int k = 0; k < 3; ++k) regs.phase[k][static_cast<int>(d)][t1] = phases[k] * kUwhPerHundredth;
}

// The dumped meter's state. The dump's totals are not the sums of its phases (forward 15062.03
// vs 4691.18 + 5750.29 + 4620.54 = 15062.01): the meter keeps total and phase registers apart,
// as metering::EnergyRegisters does.
metering::MeterState DumpState() {
  metering::MeterState state;
  state.config.combined_code = metering::CombinedCode::kForwardOnly;  // 0x400F = 1
  state.config.tariff = Tariff::kT1;                                  // 0x6048 = 1
  SetT1(state, EnergyKind::kActive, Direction::kForward, 1506203, {469118, 575029, 462054});
  SetT1(state, EnergyKind::kActive, Direction::kReverse, 2025791, {673389, 648344, 704057});
  SetT1(state, EnergyKind::kReactive, Direction::kForward, 13362, {12507, 208, 646});
  SetT1(state, EnergyKind::kReactive, Direction::kReverse, 1253879, {468595, 568159, 217124});
  state.day_counter_uwh = 1505617 * kUwhPerHundredth;  // 0x6049 = 15056.17
  state.power_down_count = 12;                         // 0x4016
  return state;
}

// The instantaneous values behind the dump's words. The meter computes in finer steps than it
// shows (the total P 0.175 kW is not 0.9 − 0.232 − 0.492 = 0.176; the total S 1.777 kVA is not
// 0.932 + 0.347 + 0.497 = 1.776), so the inputs are values that round to every shown word:
// each phase's P, Q, S within half a watt of its word, and totals and power factors that round
// to theirs.
metering::Interval DumpInstant() {
  metering::Interval interval;
  interval.frequency_hz = 49.98;
  const std::array<metering::PhaseValues, 3> phases = {{
      {.voltage_v = 234.3,
       .current_a = 4.05,
       .active_w = 900.4,
       .reactive_var = -244.4,
       .apparent_va = 932.4},
      {.voltage_v = 233.4,
       .current_a = -1.62,
       .active_w = -232.49,
       .reactive_var = -258.4,
       .apparent_va = 347.4},
      {.voltage_v = 234.4,
       .current_a = -2.15,
       .active_w = -492.49,
       .reactive_var = -66.4,
       .apparent_va = 497.4},
  }};
  interval.phase = phases;
  return interval;  // duration 0: shows the values, registers nothing
}

std::vector<uint16_t> ReadBlock(Pro380RegisterBank& bank, uint16_t address, std::size_t count) {
  std::vector<uint16_t> words(count);
  EXPECT_EQ(bank.Read(modbus::FunctionCode::kReadHoldingRegisters, address, words), std::nullopt);
  return words;
}

class RealDumpTest : public ::testing::Test {
 protected:
  RealDumpTest() : meter_(DumpState()), bank_(meter_, settings_) {
    settings_.serial_number = 22091039;
    meter_.Apply(DumpInstant());
  }
  DeviceSettings settings_;
  metering::Meter meter_;
  Pro380RegisterBank bank_;
};

TEST_F(RealDumpTest, InfoBlockMatchesWordForWord) {
  const std::vector<uint16_t> expected = {
      0x2209, 0x1039,                  // 0x4000 serial 22091039
      0x0102,                          // 0x4002 meter code: PRO380 direct
      0x0001,                          // 0x4003 Modbus ID
      0x2580,                          // 0x4004 9600 baud
      0x404C, 0xCCCD,                  // 0x4005 protocol 3.2
      0x400B, 0x851F,                  // 0x4007 software 2.18
      0x3FA8, 0xF5C3,                  // 0x4009 hardware 1.32
      0x0064,                          // 0x400B 100 A
      0x0000,                          // 0x400C CT rate
      0x447A, 0x0000,                  // 0x400D S0 1000 imp/kWh
      0x0001,                          // 0x400F C-01
      0x0010,                          // 0x4010 LCD 10 s
      0x0001,                          // 0x4011 even parity
      0x3146, 0x3252, 0x3352,          // 0x4012 "1F" "2R" "3R"
      0x0000,                          // 0x4015 error code
      0x000C,                          // 0x4016 power-down counter 12
      0x0004, 0x0004, 0x0003, 0x0003,  // 0x4017 quadrants total, L1, L2, L3
      0x0D01, 0x2D35,                  // 0x401B checksum
      0x0011, 0x0111,                  // 0x401D status word
      0x0005,                          // 0x401F CT mode
  };
  EXPECT_EQ(ReadBlock(bank_, 0x4000, 32), expected);
}

TEST_F(RealDumpTest, MeasurementBlockMatchesWordForWord) {
  const std::vector<uint16_t> expected = {
      0x0000, 0x0000, 0x436A, 0x4CCD, 0x4369, 0x6666, 0x436A, 0x6666, 0x4247, 0xEB85,
      0x0000, 0x0000, 0x4081, 0x999A, 0xBFCF, 0x5C29, 0xC009, 0x999A, 0x3E33, 0x3333,
      0x3F66, 0x6666, 0xBE6D, 0x9168, 0xBEFB, 0xE76D, 0xBF11, 0xA9FC, 0xBE79, 0xDB23,
      0xBE84, 0x1893, 0xBD87, 0x2B02, 0x3FE3, 0x74BC, 0x3F6E, 0x978D, 0x3EB1, 0xA9FC,
      0x3EFE, 0x76C9, 0x3E94, 0x7AE1, 0x3F78, 0x51EC, 0x3F2B, 0x851F, 0x3F7D, 0x70A4,
  };
  EXPECT_EQ(ReadBlock(bank_, 0x5000, 50), expected);
}

TEST_F(RealDumpTest, EnergyBlockMatchesWordForWord) {
  const std::vector<uint16_t> expected = {
      0x466B, 0x581F, 0x466B, 0x581F, 0x0000, 0x0000, 0x4592, 0x9971, 0x45B3, 0xB252, 0x4590,
      0x6452, 0x466B, 0x581F, 0x466B, 0x581F, 0x0000, 0x0000, 0x4592, 0x9971, 0x45B3, 0xB252,
      0x4590, 0x6452, 0x469E, 0x43D2, 0x469E, 0x43D2, 0x0000, 0x0000, 0x45D2, 0x6F1F, 0x45CA,
      0x9B85, 0x45DC, 0x048F, 0x4305, 0x9EB8, 0x4305, 0x9EB8, 0x0000, 0x0000, 0x42FA, 0x23D7,
      0x4005, 0x1EB8, 0x40CE, 0xB852, 0x4305, 0x9EB8, 0x4305, 0x9EB8, 0x0000, 0x0000, 0x42FA,
      0x23D7, 0x4005, 0x1EB8, 0x40CE, 0xB852, 0x4643, 0xEB29, 0x4643, 0xEB29, 0x0000, 0x0000,
      0x4592, 0x6F9A, 0x45B1, 0x8CB8, 0x4507, 0xB3D7,
      0x0001,          // 0x6048 tariff T1
      0x466B, 0x40AE,  // 0x6049 day counter 15056.17 (odd address)
  };
  EXPECT_EQ(ReadBlock(bank_, 0x6000, 75), expected);
}

}  // namespace
}  // namespace pro380::device
