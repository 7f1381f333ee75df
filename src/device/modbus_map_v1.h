// The old PRO380 Modbus map of firmware 1.x, still answered by firmware 2.x (reference
// pro380-protocols.md §1.8: the S6 cross table, the V1.02 "Registry matrix" S7 and the Commix
// examples S10; product.md "Behaviour decided": both maps are served). Every entry shows the
// same quantity or device value as its protocol-3.2 twin, with the same encoding.
//
// Not served: 0x1030 "Meter name" (32 bytes, contents unknown in every source). Sizes where S6
// and S7 disagree follow the encoding of the new twin: meter amps 1 register (S7), S0 rate a
// float of 2 registers (S7 "Float BigEndian ABCD").
#ifndef PRO380_DEVICE_MODBUS_MAP_V1_H_
#define PRO380_DEVICE_MODBUS_MAP_V1_H_

#include <array>

#include "device/modbus_map.h"

namespace pro380::device {

namespace v1 {
using Q = metering::QuantityId;
using V = DeviceValue;
using E = Encoding;
constexpr Access kRw = Access::kReadWrite;
constexpr Access kR = Access::kRead;

// Identity and settings, 0x1000–0x1520 (§1.8; access "Rw" for ID, baud, S0 rate per S7).
inline constexpr std::array kInfo = {
    Device(0x1000, V::kSerialNumber, E::kBcd32),  // S10: "01 03 04 15 06 00 01" = 15060001
    Device(0x1010, V::kMeterCode, E::kHex16),     // Victron's probe reads it (S15)
    Device(0x1018, V::kModbusId, E::kS16, "", kRw),
    Device(0x1020, V::kBaudRate, E::kS16, "bit/s", kRw),
    Device(0x1050, V::kProtocolVersion, E::kFloat32),
    Device(0x1054, V::kSoftwareVersion, E::kFloat32),
    Device(0x1058, V::kHardwareVersion, E::kFloat32),
    Device(0x1060, V::kMeterAmps, E::kS16, "A"),
    Setting(0x1062, Q::kCtRatio, E::kBcd16, kR),
    Setting(0x1066, Q::kS0Rate, E::kFloat32, kRw),
    Setting(0x107A, Q::kCombinedCode, E::kS16, kRw),
    Device(0x1510, V::kLcdCycleTime, E::kBcd16, "s", kRw),
    Device(0x1520, V::kParity, E::kS16, "", kRw),
};

// Measurements, 0x2000–0x20F0, floats ABCD (S6, S7), same resolution as the new map.
inline constexpr std::array kMeasurements = {
    Device(0x2000, V::kSinglePhaseOnly, E::kFloat32, "V"),
    Measured(0x2008, Q::kVoltageL1V, 1),
    Measured(0x200C, Q::kVoltageL2V, 1),
    Measured(0x2010, Q::kVoltageL3V, 1),
    Measured(0x2020, Q::kFrequencyHz, 2),
    Device(0x2060, V::kSinglePhaseOnly, E::kFloat32, "A"),
    Measured(0x2068, Q::kCurrentL1A, 2),
    Measured(0x206C, Q::kCurrentL2A, 2),
    Measured(0x2070, Q::kCurrentL3A, 2),
    Measured(0x2080, Q::kActivePowerKw, 3),
    Measured(0x2088, Q::kActivePowerL1Kw, 3),
    Measured(0x208C, Q::kActivePowerL2Kw, 3),
    Measured(0x2090, Q::kActivePowerL3Kw, 3),
    Measured(0x20A0, Q::kReactivePowerKvar, 3),
    Measured(0x20A8, Q::kReactivePowerL1Kvar, 3),
    Measured(0x20AC, Q::kReactivePowerL2Kvar, 3),
    Measured(0x20B0, Q::kReactivePowerL3Kvar, 3),
    Measured(0x20C0, Q::kApparentPowerKva, 3),
    Measured(0x20C8, Q::kApparentPowerL1Kva, 3),
    Measured(0x20CC, Q::kApparentPowerL2Kva, 3),
    Measured(0x20D0, Q::kApparentPowerL3Kva, 3),
    Measured(0x20E0, Q::kPowerFactor, 2),
    Measured(0x20E8, Q::kPowerFactorL1, 2),
    Measured(0x20EC, Q::kPowerFactorL2, 2),
    Measured(0x20F0, Q::kPowerFactorL3, 2),
    Setting(0x2200, Q::kTariff, E::kS16, kRw),
};

// Energies, 0x3000–0x32A0: group base 0x3000 + 0x20 per group (total, forward, reverse active;
// total, forward, reverse reactive), T1 at +0x100, T2 at +0x200, L1/L2/L3 at +8/+0xC/+0x10
// (§1.8 cross table). The old map has no day counter.
inline constexpr std::array kEnergies = {
    Energy(0x3000, Q::kActiveEnergyKwh),
    Energy(0x3008, Q::kActiveEnergyL1Kwh),
    Energy(0x300C, Q::kActiveEnergyL2Kwh),
    Energy(0x3010, Q::kActiveEnergyL3Kwh),
    Energy(0x3020, Q::kForwardActiveEnergyKwh),
    Energy(0x3028, Q::kForwardActiveEnergyL1Kwh),
    Energy(0x302C, Q::kForwardActiveEnergyL2Kwh),
    Energy(0x3030, Q::kForwardActiveEnergyL3Kwh),
    Energy(0x3040, Q::kReverseActiveEnergyKwh),
    Energy(0x3048, Q::kReverseActiveEnergyL1Kwh),
    Energy(0x304C, Q::kReverseActiveEnergyL2Kwh),
    Energy(0x3050, Q::kReverseActiveEnergyL3Kwh),
    Energy(0x3060, Q::kReactiveEnergyKvarh),
    Energy(0x3068, Q::kReactiveEnergyL1Kvarh),
    Energy(0x306C, Q::kReactiveEnergyL2Kvarh),
    Energy(0x3070, Q::kReactiveEnergyL3Kvarh),
    Energy(0x3080, Q::kForwardReactiveEnergyKvarh),
    Energy(0x3088, Q::kForwardReactiveEnergyL1Kvarh),
    Energy(0x308C, Q::kForwardReactiveEnergyL2Kvarh),
    Energy(0x3090, Q::kForwardReactiveEnergyL3Kvarh),
    Energy(0x30A0, Q::kReverseReactiveEnergyKvarh),
    Energy(0x30A8, Q::kReverseReactiveEnergyL1Kvarh),
    Energy(0x30AC, Q::kReverseReactiveEnergyL2Kvarh),
    Energy(0x30B0, Q::kReverseReactiveEnergyL3Kvarh),
    Energy(0x3100, Q::kActiveEnergyT1Kwh),
    Energy(0x3120, Q::kForwardActiveEnergyT1Kwh),
    Energy(0x3140, Q::kReverseActiveEnergyT1Kwh),
    Energy(0x3160, Q::kReactiveEnergyT1Kvarh),
    Energy(0x3180, Q::kForwardReactiveEnergyT1Kvarh),
    Energy(0x31A0, Q::kReverseReactiveEnergyT1Kvarh),
    Energy(0x3200, Q::kActiveEnergyT2Kwh),
    Energy(0x3220, Q::kForwardActiveEnergyT2Kwh),
    Energy(0x3240, Q::kReverseActiveEnergyT2Kwh),
    Energy(0x3260, Q::kReactiveEnergyT2Kvarh),
    Energy(0x3280, Q::kForwardReactiveEnergyT2Kvarh),
    Energy(0x32A0, Q::kReverseReactiveEnergyT2Kvarh),
};
}  // namespace v1

static_assert(IsSortedAndDisjoint(v1::kInfo) && BindingsAreWellFormed(v1::kInfo));
static_assert(IsSortedAndDisjoint(v1::kMeasurements) && BindingsAreWellFormed(v1::kMeasurements));
static_assert(IsSortedAndDisjoint(v1::kEnergies) && BindingsAreWellFormed(v1::kEnergies));
static_assert(v1::kInfo.back().end() <= v1::kMeasurements.front().address &&
              v1::kMeasurements.back().end() <= v1::kEnergies.front().address);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MODBUS_MAP_V1_H_
