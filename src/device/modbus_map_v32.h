// The PRO380 Modbus map of protocol version 3.2 (firmware 2.x), reference
// pro380-protocols.md §1.3 (info block 0x4000), §1.4 (measurements 0x5000), §1.5 (energies
// 0x6000), source S1 (the official Inepro register matrix) unless a comment says otherwise.
// Units are the map's: kW, kvar, kVA, kWh, kvarh (§1.2).
#ifndef PRO380_DEVICE_MODBUS_MAP_V32_H_
#define PRO380_DEVICE_MODBUS_MAP_V32_H_

#include <array>

#include "device/modbus_map.h"

namespace pro380::device {

namespace v32 {
using Q = metering::QuantityId;
using V = DeviceValue;
using E = Encoding;
constexpr Access kRw = Access::kReadWrite;
constexpr Access kR = Access::kRead;

// §1.3: 0x4000–0x401F, 32 registers.
inline constexpr std::array kInfoBlock = {
    Device(0x4000, V::kSerialNumber, E::kBcd32),  // 0x2209 0x1039 = "22091039" (S3)
    Device(0x4002, V::kMeterCode, E::kHex16),     // 0x0102 direct, 0x0103 CT (S5, S6)
    Device(0x4003, V::kModbusId, E::kS16, "", kRw),
    Device(0x4004, V::kBaudRate, E::kS16, "bit/s", kRw),
    Device(0x4005, V::kProtocolVersion, E::kFloat32),
    Device(0x4007, V::kSoftwareVersion, E::kFloat32),
    Device(0x4009, V::kHardwareVersion, E::kFloat32),
    Device(0x400B, V::kMeterAmps, E::kS16, "A"),  // 100 direct, 5 CT (S6)
    Setting(0x400C, Q::kCtRatio, E::kBcd16, kR),  // "HEX" like the LCD time; 0 = not set (S3)
    Setting(0x400D, Q::kS0Rate, E::kFloat32, kRw),
    Setting(0x400F, Q::kCombinedCode, E::kS16, kRw),
    Device(0x4010, V::kLcdCycleTime, E::kBcd16, "s", kRw),  // 0x0025 = 25 s (S1)
    Device(0x4011, V::kParity, E::kS16, "", kRw),           // 1 even, 2 none, 3 odd
    Device(0x4012, V::kCurrentDirectionL1, E::kAscii2),     // "1F" / "1R"
    Device(0x4013, V::kCurrentDirectionL2, E::kAscii2),
    Device(0x4014, V::kCurrentDirectionL3, E::kAscii2),
    Device(0x4015, V::kErrorCode, E::kS16),             // "PRO1 only" in S1, answered 0 (S3)
    Setting(0x4016, Q::kPowerDownCount, E::kS16, kRw),  // write 0 = reset
    Setting(0x4017, Q::kQuadrant, E::kS16, kR),
    Setting(0x4018, Q::kQuadrantL1, E::kS16, kR),
    Setting(0x4019, Q::kQuadrantL2, E::kS16, kR),
    Setting(0x401A, Q::kQuadrantL3, E::kS16, kR),
    Device(0x401B, V::kChecksum, E::kHex32),
    Device(0x401D, V::kStatusWord, E::kBcd32),  // manual §7.1 digits: 0x0011 0x0111 (S3)
    Device(0x401F, V::kCtMode, E::kS16, "A"),   // 5, also on direct meters (S3)
};

// §1.4: 0x5000–0x5031, 50 registers, all float32. Decimals: V 0.1, Hz 0.01, A 0.01, kW/kvar/kVA
// 0.001, PF 0.01 — the resolution every value of the dump (§1.7) has.
inline constexpr std::array kMeasurementBlock = {
    Device(0x5000, V::kSinglePhaseOnly, E::kFloat32, "V"),
    Measured(0x5002, Q::kVoltageL1V, 1),
    Measured(0x5004, Q::kVoltageL2V, 1),
    Measured(0x5006, Q::kVoltageL3V, 1),
    Measured(0x5008, Q::kFrequencyHz, 2),
    Device(0x500A, V::kSinglePhaseOnly, E::kFloat32, "A"),
    Measured(0x500C, Q::kCurrentL1A, 2),
    Measured(0x500E, Q::kCurrentL2A, 2),
    Measured(0x5010, Q::kCurrentL3A, 2),
    Measured(0x5012, Q::kActivePowerKw, 3),
    Measured(0x5014, Q::kActivePowerL1Kw, 3),
    Measured(0x5016, Q::kActivePowerL2Kw, 3),
    Measured(0x5018, Q::kActivePowerL3Kw, 3),
    Measured(0x501A, Q::kReactivePowerKvar, 3),
    Measured(0x501C, Q::kReactivePowerL1Kvar, 3),
    Measured(0x501E, Q::kReactivePowerL2Kvar, 3),
    Measured(0x5020, Q::kReactivePowerL3Kvar, 3),
    Measured(0x5022, Q::kApparentPowerKva, 3),
    Measured(0x5024, Q::kApparentPowerL1Kva, 3),
    Measured(0x5026, Q::kApparentPowerL2Kva, 3),
    Measured(0x5028, Q::kApparentPowerL3Kva, 3),
    Measured(0x502A, Q::kPowerFactor, 2),
    Measured(0x502C, Q::kPowerFactorL1, 2),
    Measured(0x502E, Q::kPowerFactorL2, 2),
    Measured(0x5030, Q::kPowerFactorL3, 2),
};

// §1.5: 0x6000–0x604A, 75 registers, in the quantity table's order; energies in 0.01 kWh
// (the display's 999999.99 kWh, manual §6.4). The day counter is a float at the odd address
// 0x6049, right after the one-register tariff (§1.5, §5 item 9).
inline constexpr std::array kEnergyBlock = {
    Energy(0x6000, Q::kActiveEnergyKwh),
    Energy(0x6002, Q::kActiveEnergyT1Kwh),
    Energy(0x6004, Q::kActiveEnergyT2Kwh),
    Energy(0x6006, Q::kActiveEnergyL1Kwh),
    Energy(0x6008, Q::kActiveEnergyL2Kwh),
    Energy(0x600A, Q::kActiveEnergyL3Kwh),
    Energy(0x600C, Q::kForwardActiveEnergyKwh),
    Energy(0x600E, Q::kForwardActiveEnergyT1Kwh),
    Energy(0x6010, Q::kForwardActiveEnergyT2Kwh),
    Energy(0x6012, Q::kForwardActiveEnergyL1Kwh),
    Energy(0x6014, Q::kForwardActiveEnergyL2Kwh),
    Energy(0x6016, Q::kForwardActiveEnergyL3Kwh),
    Energy(0x6018, Q::kReverseActiveEnergyKwh),
    Energy(0x601A, Q::kReverseActiveEnergyT1Kwh),
    Energy(0x601C, Q::kReverseActiveEnergyT2Kwh),
    Energy(0x601E, Q::kReverseActiveEnergyL1Kwh),
    Energy(0x6020, Q::kReverseActiveEnergyL2Kwh),
    Energy(0x6022, Q::kReverseActiveEnergyL3Kwh),
    Energy(0x6024, Q::kReactiveEnergyKvarh),
    Energy(0x6026, Q::kReactiveEnergyT1Kvarh),
    Energy(0x6028, Q::kReactiveEnergyT2Kvarh),
    Energy(0x602A, Q::kReactiveEnergyL1Kvarh),
    Energy(0x602C, Q::kReactiveEnergyL2Kvarh),
    Energy(0x602E, Q::kReactiveEnergyL3Kvarh),
    Energy(0x6030, Q::kForwardReactiveEnergyKvarh),
    Energy(0x6032, Q::kForwardReactiveEnergyT1Kvarh),
    Energy(0x6034, Q::kForwardReactiveEnergyT2Kvarh),
    Energy(0x6036, Q::kForwardReactiveEnergyL1Kvarh),
    Energy(0x6038, Q::kForwardReactiveEnergyL2Kvarh),
    Energy(0x603A, Q::kForwardReactiveEnergyL3Kvarh),
    Energy(0x603C, Q::kReverseReactiveEnergyKvarh),
    Energy(0x603E, Q::kReverseReactiveEnergyT1Kvarh),
    Energy(0x6040, Q::kReverseReactiveEnergyT2Kvarh),
    Energy(0x6042, Q::kReverseReactiveEnergyL1Kvarh),
    Energy(0x6044, Q::kReverseReactiveEnergyL2Kvarh),
    Energy(0x6046, Q::kReverseReactiveEnergyL3Kvarh),
    Setting(0x6048, Q::kTariff, E::kS16, kRw),  // 1 T1, 2 T2; writes 11/12: "not saved" (S5)
    Energy(0x6049, Q::kDayCounterKwh, kRw),     // write 0.0 = reset
};
}  // namespace v32

static_assert(IsSortedAndDisjoint(v32::kInfoBlock) && BindingsAreWellFormed(v32::kInfoBlock));
static_assert(IsSortedAndDisjoint(v32::kMeasurementBlock) &&
              BindingsAreWellFormed(v32::kMeasurementBlock));
static_assert(IsSortedAndDisjoint(v32::kEnergyBlock) && BindingsAreWellFormed(v32::kEnergyBlock));
// The blocks are gapless and as long as the real meter answers them (§1.7: 32, 50, 75).
static_assert(IsGapless(v32::kInfoBlock) && IsGapless(v32::kMeasurementBlock) &&
              IsGapless(v32::kEnergyBlock));
static_assert(v32::kInfoBlock.back().end() - v32::kInfoBlock.front().address == 32);
static_assert(v32::kMeasurementBlock.back().end() - v32::kMeasurementBlock.front().address == 50);
static_assert(v32::kEnergyBlock.back().end() - v32::kEnergyBlock.front().address == 75);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MODBUS_MAP_V32_H_
