#include "device/mbus_records.h"

namespace pro380::device {
namespace {

using mbus::DataField;
using mbus::Function;
using mbus::MakeVib;
using mbus::PlainTextVib;
using mbus::RecordHeader;
using mbus::Vib;
using metering::QuantityId;
using Q = QuantityId;

constexpr Function kInst = Function::kInstantaneous;
constexpr Function kMin = Function::kMinimum;

constexpr MbusRecordDef Bcd(QuantityId q, DataField data, Function function, uint16_t storage,
                            uint8_t tariff, uint8_t subunit, Vib vib, int8_t exponent,
                            MbusRounding rounding = MbusRounding::kNearest) {
  return {{data, function, storage, tariff, subunit, vib},
          q,
          MbusValue::kNone,
          exponent,
          rounding,
          false};
}
constexpr MbusRecordDef Real(QuantityId q, Function function, uint16_t storage, uint8_t tariff,
                             uint8_t subunit, Vib vib, bool writable = false) {
  return {{DataField::kReal32, function, storage, tariff, subunit, vib},
          q,
          MbusValue::kNone,
          0,
          MbusRounding::kNearest,
          writable};
}
constexpr MbusRecordDef Int(QuantityId q, DataField data, uint16_t storage, Vib vib) {
  return {{data, kInst, storage, 0, 0, vib}, q, MbusValue::kNone, 0, MbusRounding::kNearest, false};
}
constexpr MbusRecordDef Value(MbusValue value, DataField data, Vib vib, bool writable = false) {
  return {
      {data, kInst, 0, 0, 0, vib}, QuantityId::kCount, value, 0, MbusRounding::kNearest, writable};
}

// Active energy in 10 Wh, 8-digit BCD: total, T1, T2, L1, L2, L3 (the Modbus block's order).
constexpr MbusRecordDef Energy(QuantityId q, Function function, uint8_t subunit, int member) {
  const uint16_t storage = member >= 3 ? static_cast<uint16_t>(member - 2) : 0;
  const uint8_t tariff = member == 1 || member == 2 ? static_cast<uint8_t>(member) : 0;
  return Bcd(q, DataField::kBcd8, function, storage, tariff, subunit, MakeVib(0x04), 2,
             MbusRounding::kTruncate);
}
constexpr MbusRecordDef Reactive(QuantityId q, Function function, uint8_t subunit, int member) {
  const uint16_t storage = member >= 3 ? static_cast<uint16_t>(member - 2) : 0;
  const uint8_t tariff = member == 1 || member == 2 ? static_cast<uint8_t>(member) : 0;
  return Real(q, function, storage, tariff, subunit, PlainTextVib("kvarh"));
}

constexpr Vib kActivePower = MakeVib(0x2A);    // 10^-1 W
constexpr Vib kVoltage = MakeVib(0xFD, 0x47);  // 10^-2 V
constexpr Vib kCurrent = MakeVib(0xFD, 0x59);  // 10^-3 A
constexpr Vib kDimensionless = MakeVib(0xFD, 0x3A);

constexpr std::array kRecords = {
    // 0..11: what the field configurations read (reference §3.2); record 0 is the total.
    Energy(Q::kActiveEnergyKwh, kInst, 0, 0),
    Energy(Q::kActiveEnergyT1Kwh, kInst, 0, 1),
    Energy(Q::kActiveEnergyT2Kwh, kInst, 0, 2),
    Energy(Q::kActiveEnergyL1Kwh, kInst, 0, 3),
    Energy(Q::kActiveEnergyL2Kwh, kInst, 0, 4),
    Energy(Q::kActiveEnergyL3Kwh, kInst, 0, 5),
    Energy(Q::kReverseActiveEnergyKwh, kMin, 0, 0),
    Energy(Q::kReverseActiveEnergyT1Kwh, kMin, 0, 1),
    Energy(Q::kReverseActiveEnergyT2Kwh, kMin, 0, 2),
    Energy(Q::kReverseActiveEnergyL1Kwh, kMin, 0, 3),
    Energy(Q::kReverseActiveEnergyL2Kwh, kMin, 0, 4),
    Energy(Q::kReverseActiveEnergyL3Kwh, kMin, 0, 5),
    Bcd(Q::kActivePowerKw, DataField::kBcd8, kInst, 0, 0, 0, kActivePower, 4),
    Bcd(Q::kActivePowerL1Kw, DataField::kBcd8, kInst, 1, 0, 0, kActivePower, 4),
    Bcd(Q::kActivePowerL2Kw, DataField::kBcd8, kInst, 2, 0, 0, kActivePower, 4),
    Bcd(Q::kActivePowerL3Kw, DataField::kBcd8, kInst, 3, 0, 0, kActivePower, 4),
    Bcd(Q::kVoltageL1V, DataField::kBcd6, kInst, 1, 0, 0, kVoltage, 2),
    Bcd(Q::kVoltageL2V, DataField::kBcd6, kInst, 2, 0, 0, kVoltage, 2),
    Bcd(Q::kVoltageL3V, DataField::kBcd6, kInst, 3, 0, 0, kVoltage, 2),
    Bcd(Q::kCurrentL1A, DataField::kBcd6, kInst, 1, 0, 0, kCurrent, 3),
    Bcd(Q::kCurrentL2A, DataField::kBcd6, kInst, 2, 0, 0, kCurrent, 3),
    Bcd(Q::kCurrentL3A, DataField::kBcd6, kInst, 3, 0, 0, kCurrent, 3),
    Real(Q::kFrequencyHz, kInst, 0, 0, 0, PlainTextVib("Hz")),
    Real(Q::kReactivePowerKvar, kInst, 0, 0, 0, PlainTextVib("kvar")),
    Real(Q::kReactivePowerL1Kvar, kInst, 1, 0, 0, PlainTextVib("kvar")),
    Real(Q::kReactivePowerL2Kvar, kInst, 2, 0, 0, PlainTextVib("kvar")),
    Real(Q::kReactivePowerL3Kvar, kInst, 3, 0, 0, PlainTextVib("kvar")),
    Real(Q::kApparentPowerKva, kInst, 0, 0, 0, PlainTextVib("kVA")),
    Real(Q::kApparentPowerL1Kva, kInst, 1, 0, 0, PlainTextVib("kVA")),
    Real(Q::kApparentPowerL2Kva, kInst, 2, 0, 0, PlainTextVib("kVA")),
    Real(Q::kApparentPowerL3Kva, kInst, 3, 0, 0, PlainTextVib("kVA")),
    Real(Q::kPowerFactor, kInst, 0, 0, 0, kDimensionless),
    Real(Q::kPowerFactorL1, kInst, 1, 0, 0, kDimensionless),
    Real(Q::kPowerFactorL2, kInst, 2, 0, 0, kDimensionless),
    Real(Q::kPowerFactorL3, kInst, 3, 0, 0, kDimensionless),
    // Forward active energy: subunit 1.
    Energy(Q::kForwardActiveEnergyKwh, kInst, 1, 0),
    Energy(Q::kForwardActiveEnergyT1Kwh, kInst, 1, 1),
    Energy(Q::kForwardActiveEnergyT2Kwh, kInst, 1, 2),
    Energy(Q::kForwardActiveEnergyL1Kwh, kInst, 1, 3),
    Energy(Q::kForwardActiveEnergyL2Kwh, kInst, 1, 4),
    Energy(Q::kForwardActiveEnergyL3Kwh, kInst, 1, 5),
    // Reactive energy: total (subunit 0), reverse (minimum), forward (subunit 1).
    Reactive(Q::kReactiveEnergyKvarh, kInst, 0, 0),
    Reactive(Q::kReactiveEnergyT1Kvarh, kInst, 0, 1),
    Reactive(Q::kReactiveEnergyT2Kvarh, kInst, 0, 2),
    Reactive(Q::kReactiveEnergyL1Kvarh, kInst, 0, 3),
    Reactive(Q::kReactiveEnergyL2Kvarh, kInst, 0, 4),
    Reactive(Q::kReactiveEnergyL3Kvarh, kInst, 0, 5),
    Reactive(Q::kReverseReactiveEnergyKvarh, kMin, 0, 0),
    Reactive(Q::kReverseReactiveEnergyT1Kvarh, kMin, 0, 1),
    Reactive(Q::kReverseReactiveEnergyT2Kvarh, kMin, 0, 2),
    Reactive(Q::kReverseReactiveEnergyL1Kvarh, kMin, 0, 3),
    Reactive(Q::kReverseReactiveEnergyL2Kvarh, kMin, 0, 4),
    Reactive(Q::kReverseReactiveEnergyL3Kvarh, kMin, 0, 5),
    Reactive(Q::kForwardReactiveEnergyKvarh, kInst, 1, 0),
    Reactive(Q::kForwardReactiveEnergyT1Kvarh, kInst, 1, 1),
    Reactive(Q::kForwardReactiveEnergyT2Kvarh, kInst, 1, 2),
    Reactive(Q::kForwardReactiveEnergyL1Kvarh, kInst, 1, 3),
    Reactive(Q::kForwardReactiveEnergyL2Kvarh, kInst, 1, 4),
    Reactive(Q::kForwardReactiveEnergyL3Kvarh, kInst, 1, 5),
    // Tariff, day counter (writable: 0 resets it), outputs and device values.
    Int(Q::kTariff, DataField::kInt8, 0, PlainTextVib("tariff")),
    Real(Q::kDayCounterKwh, kInst, 0, 0, 0, PlainTextVib("kWh day"), true),
    Int(Q::kS0ForwardPulses, DataField::kInt32, 0, PlainTextVib("S0+ imp")),
    Int(Q::kS0ReversePulses, DataField::kInt32, 0, PlainTextVib("S0- imp")),
    Int(Q::kLedActivePulses, DataField::kInt32, 0, PlainTextVib("LED P imp")),
    Int(Q::kLedReactivePulses, DataField::kInt32, 0, PlainTextVib("LED Q imp")),
    Int(Q::kPowerDownCount, DataField::kInt32, 0, PlainTextVib("power downs")),
    Int(Q::kCombinedCode, DataField::kInt8, 0, PlainTextVib("combined code")),
    Real(Q::kS0Rate, kInst, 0, 0, 0, PlainTextVib("imp/kWh"), true),
    Int(Q::kCtRatio, DataField::kInt16, 0, PlainTextVib("CT ratio")),
    Int(Q::kQuadrant, DataField::kInt8, 0, PlainTextVib("quadrant")),
    Int(Q::kQuadrantL1, DataField::kInt8, 1, PlainTextVib("quadrant")),
    Int(Q::kQuadrantL2, DataField::kInt8, 2, PlainTextVib("quadrant")),
    Int(Q::kQuadrantL3, DataField::kInt8, 3, PlainTextVib("quadrant")),
    Value(MbusValue::kFabricationNumber, DataField::kBcd8, MakeVib(0x78)),
    // The standard VIF 79 (enhanced identification) is "Unknown" to libmbus: a plain-text unit
    // in the readout; a data send may name it either way (FindMbusRecord).
    Value(MbusValue::kSecondaryAddress, DataField::kBcd8, PlainTextVib("secondary address"), true),
    Value(MbusValue::kPrimaryAddress, DataField::kInt8, MakeVib(0x7A), true),
    Value(MbusValue::kBaudRate, DataField::kInt16, MakeVib(0xFD, 0x1C)),
    Value(MbusValue::kSoftwareVersion, DataField::kReal32, MakeVib(0xFD, 0x0F)),
    Value(MbusValue::kHardwareVersion, DataField::kReal32, MakeVib(0xFD, 0x0D)),
};

constexpr bool EveryQuantityOnce() {
  for (std::size_t q = 0; q < metering::kQuantityCount; ++q) {
    int count = 0;
    for (const MbusRecordDef& def : kRecords) count += static_cast<std::size_t>(def.quantity) == q;
    if (count != 1) return false;
  }
  return true;
}
static_assert(EveryQuantityOnce(), "every quantity of the quantity table is one M-Bus record");

constexpr bool HeadersAreUnique() {
  for (std::size_t i = 0; i < kRecords.size(); ++i) {
    for (std::size_t j = i + 1; j < kRecords.size(); ++j) {
      if (kRecords[i].header == kRecords[j].header) return false;
    }
  }
  return true;
}
static_assert(HeadersAreUnique(), "a record header names one record");

constexpr bool FieldsSuitScales() {
  for (const MbusRecordDef& def : kRecords) {
    const bool real = def.header.data == DataField::kReal32;
    if (real && def.exponent != 0) return false;
    if (def.shows_quantity() == (def.quantity == QuantityId::kCount)) return false;
    if (def.header.vib.plain_text.size() > 17) return false;
  }
  return true;
}
static_assert(FieldsSuitScales());

// Reference §3.2: the Tasmota decoder's patterns are these records' first bytes.
constexpr bool FieldConventionHolds() {
  const auto& total = kRecords[0].header;
  const auto& reverse_l3 = kRecords[11].header;
  return total.storage == 0 && total.function == kInst && total.vib == MakeVib(0x04) &&
         reverse_l3.storage == 3 && reverse_l3.function == kMin && kRecords[8].header.tariff == 2 &&
         kRecords[8].header.function == kMin;
}
static_assert(FieldConventionHolds());

}  // namespace

std::span<const MbusRecordDef> MbusRecords() { return kRecords; }

const MbusRecordDef* FindMbusRecord(const mbus::RecordHeader& received) {
  // EN 13757-3's form of a secondary address write: 8 BCD digits with VIF 79.
  constexpr RecordHeader kEnhancedIdentification{DataField::kBcd8, kInst, 0, 0, 0, MakeVib(0x79)};
  for (const MbusRecordDef& def : kRecords) {
    if (mbus::SameRecord(def.header, received)) return &def;
    if (def.value == MbusValue::kSecondaryAddress && received == kEnhancedIdentification) {
      return &def;
    }
  }
  return nullptr;
}

}  // namespace pro380::device
