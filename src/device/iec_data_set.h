// The PRO380's IEC 62056-21 data set: every quantity of the quantity table and the device
// values under an OBIS code (IEC 62056-61, reduced form C.D.E, medium 1 implied), with the unit
// and the decimals the readout shows, and what programming mode may do with each. The readout
// lists the readable entries in table order; R1/W1 address them by the same code.
// docs/protocols/iec62056.md has the table with the reason for every code.
//
// Codes: standard OBIS where one means exactly the quantity (1.8.0 forward active energy,
// 32.7.0 voltage L1, C.1.0 serial, …); the manufacturer-specific range C = 128..199 where none
// does (the combined-code totals, the day counter, pulse counts, PRO380 settings).
#ifndef PRO380_DEVICE_IEC_DATA_SET_H_
#define PRO380_DEVICE_IEC_DATA_SET_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "metering/quantity.h"

namespace pro380::device {

// Values that are no quantity of the table.
enum class IecValue : uint8_t {
  kNone,  // the entry shows a quantity
  kDeviceAddress,
  kSerialNumber,
  kFirmwareVersion,
  kErrorCode,
  kModbusId,
  kBaudRate,
  kParity,
  kScrollTime,
  kScrollPages,
  kBacklight,
  kMbusPrimaryAddress,
  kMbusSecondaryAddress,
  kPassword,  // write-only
};

enum class IecAccess : uint8_t { kRead, kReadWrite, kWrite };

struct IecEntry {
  std::string_view code;
  metering::QuantityId quantity;  // kCount when `value` is not kNone
  IecValue value;
  // Digits after the point; -1 = as short as exact (settings). Energies pad the integer part to
  // 6 digits, as the display's 999999.99 kWh (manual §6.4).
  int8_t decimals;
  std::string_view unit;
  IecAccess access;

  constexpr bool shows_quantity() const { return value == IecValue::kNone; }
  constexpr bool readable() const { return access != IecAccess::kWrite; }
  constexpr bool writable() const { return access != IecAccess::kRead; }
};

namespace iec_detail {

using metering::QuantityId;

// A unit may not contain ( ) * / ! (§6.3.18): "imp/kWh" (the S0 rate) is shown without one.
constexpr std::string_view IecUnit(std::string_view unit) {
  return unit.find_first_of("()*/!") == std::string_view::npos ? unit : std::string_view();
}

constexpr IecEntry Q(std::string_view code, QuantityId quantity, int8_t decimals,
                     IecAccess access = IecAccess::kRead) {
  return {
      code,  quantity, IecValue::kNone, decimals, IecUnit(metering::QuantityInfo(quantity).unit),
      access};
}
constexpr IecEntry V(std::string_view code, IecValue value, IecAccess access = IecAccess::kRead) {
  return {code, QuantityId::kCount, value, -1, "", access};
}

using enum IecAccess;
using enum IecValue;
using Id = QuantityId;

inline constexpr IecEntry kTable[] = {
    V("0.0.0", kDeviceAddress),
    V("C.1.0", kSerialNumber),
    V("0.2.0", kFirmwareVersion),
    V("F.F", kErrorCode),
    // Instantaneous values (D = 7). Power keeps its sign (negative = reverse) under the import
    // code, as the Modbus registers do.
    Q("32.7.0", Id::kVoltageL1V, 1),
    Q("52.7.0", Id::kVoltageL2V, 1),
    Q("72.7.0", Id::kVoltageL3V, 1),
    Q("31.7.0", Id::kCurrentL1A, 2),
    Q("51.7.0", Id::kCurrentL2A, 2),
    Q("71.7.0", Id::kCurrentL3A, 2),
    Q("1.7.0", Id::kActivePowerKw, 3),
    Q("21.7.0", Id::kActivePowerL1Kw, 3),
    Q("41.7.0", Id::kActivePowerL2Kw, 3),
    Q("61.7.0", Id::kActivePowerL3Kw, 3),
    Q("3.7.0", Id::kReactivePowerKvar, 3),
    Q("23.7.0", Id::kReactivePowerL1Kvar, 3),
    Q("43.7.0", Id::kReactivePowerL2Kvar, 3),
    Q("63.7.0", Id::kReactivePowerL3Kvar, 3),
    Q("9.7.0", Id::kApparentPowerKva, 3),
    Q("29.7.0", Id::kApparentPowerL1Kva, 3),
    Q("49.7.0", Id::kApparentPowerL2Kva, 3),
    Q("69.7.0", Id::kApparentPowerL3Kva, 3),
    Q("13.7.0", Id::kPowerFactor, 3),
    Q("33.7.0", Id::kPowerFactorL1, 3),
    Q("53.7.0", Id::kPowerFactorL2, 3),
    Q("73.7.0", Id::kPowerFactorL3, 3),
    Q("14.7.0", Id::kFrequencyHz, 2),
    // Energies (D = 8, E = tariff). The combined-code total has no OBIS code of its own.
    Q("128.8.0", Id::kActiveEnergyKwh, 2),
    Q("128.8.1", Id::kActiveEnergyT1Kwh, 2),
    Q("128.8.2", Id::kActiveEnergyT2Kwh, 2),
    Q("129.8.0", Id::kActiveEnergyL1Kwh, 2),
    Q("130.8.0", Id::kActiveEnergyL2Kwh, 2),
    Q("131.8.0", Id::kActiveEnergyL3Kwh, 2),
    Q("1.8.0", Id::kForwardActiveEnergyKwh, 2),
    Q("1.8.1", Id::kForwardActiveEnergyT1Kwh, 2),
    Q("1.8.2", Id::kForwardActiveEnergyT2Kwh, 2),
    Q("21.8.0", Id::kForwardActiveEnergyL1Kwh, 2),
    Q("41.8.0", Id::kForwardActiveEnergyL2Kwh, 2),
    Q("61.8.0", Id::kForwardActiveEnergyL3Kwh, 2),
    Q("2.8.0", Id::kReverseActiveEnergyKwh, 2),
    Q("2.8.1", Id::kReverseActiveEnergyT1Kwh, 2),
    Q("2.8.2", Id::kReverseActiveEnergyT2Kwh, 2),
    Q("22.8.0", Id::kReverseActiveEnergyL1Kwh, 2),
    Q("42.8.0", Id::kReverseActiveEnergyL2Kwh, 2),
    Q("62.8.0", Id::kReverseActiveEnergyL3Kwh, 2),
    Q("132.8.0", Id::kReactiveEnergyKvarh, 2),
    Q("132.8.1", Id::kReactiveEnergyT1Kvarh, 2),
    Q("132.8.2", Id::kReactiveEnergyT2Kvarh, 2),
    Q("133.8.0", Id::kReactiveEnergyL1Kvarh, 2),
    Q("134.8.0", Id::kReactiveEnergyL2Kvarh, 2),
    Q("135.8.0", Id::kReactiveEnergyL3Kvarh, 2),
    Q("3.8.0", Id::kForwardReactiveEnergyKvarh, 2),
    Q("3.8.1", Id::kForwardReactiveEnergyT1Kvarh, 2),
    Q("3.8.2", Id::kForwardReactiveEnergyT2Kvarh, 2),
    Q("23.8.0", Id::kForwardReactiveEnergyL1Kvarh, 2),
    Q("43.8.0", Id::kForwardReactiveEnergyL2Kvarh, 2),
    Q("63.8.0", Id::kForwardReactiveEnergyL3Kvarh, 2),
    Q("4.8.0", Id::kReverseReactiveEnergyKvarh, 2),
    Q("4.8.1", Id::kReverseReactiveEnergyT1Kvarh, 2),
    Q("4.8.2", Id::kReverseReactiveEnergyT2Kvarh, 2),
    Q("24.8.0", Id::kReverseReactiveEnergyL1Kvarh, 2),
    Q("44.8.0", Id::kReverseReactiveEnergyL2Kvarh, 2),
    Q("64.8.0", Id::kReverseReactiveEnergyL3Kvarh, 2),
    Q("96.14.0", Id::kTariff, -1, kReadWrite),
    Q("136.8.0", Id::kDayCounterKwh, 2, kReadWrite),
    Q("137.0.1", Id::kS0ForwardPulses, -1),
    Q("137.0.2", Id::kS0ReversePulses, -1),
    Q("137.0.3", Id::kLedActivePulses, -1),
    Q("137.0.4", Id::kLedReactivePulses, -1),
    Q("C.7.0", Id::kPowerDownCount, -1),
    Q("138.0.0", Id::kCombinedCode, -1, kReadWrite),
    Q("138.0.1", Id::kS0Rate, -1, kReadWrite),
    Q("0.4.2", Id::kCtRatio, -1),
    Q("138.0.3", Id::kQuadrant, -1),
    Q("138.0.4", Id::kQuadrantL1, -1),
    Q("138.0.5", Id::kQuadrantL2, -1),
    Q("138.0.6", Id::kQuadrantL3, -1),
    // PRO380 settings of the optical port.
    V("139.0.0", kModbusId, kReadWrite),
    V("139.0.1", kBaudRate, kReadWrite),
    V("139.0.2", kParity, kReadWrite),
    V("139.0.3", kScrollTime, kReadWrite),
    V("139.0.4", kScrollPages, kReadWrite),
    V("139.0.5", kBacklight, kReadWrite),
    V("139.0.6", kMbusPrimaryAddress, kReadWrite),
    V("139.0.7", kMbusSecondaryAddress, kReadWrite),
    V("139.0.8", kPassword, kWrite),
};

constexpr bool CodesAreUnique(std::span<const IecEntry> table) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (table[i].code == table[j].code) return false;
    }
  }
  return true;
}

constexpr bool EveryQuantityOnce(std::span<const IecEntry> table) {
  std::array<int, metering::kQuantityCount> seen{};
  for (const IecEntry& e : table) {
    if (e.shows_quantity()) ++seen[static_cast<std::size_t>(e.quantity)];
    if (e.shows_quantity() == (e.quantity == QuantityId::kCount)) return false;
  }
  for (int n : seen) {
    if (n != 1) return false;
  }
  return true;
}

// A code is 1..16 characters of digits, 'C', 'F' and '.'; a unit at most 16 characters
// without ( ) * / ! (§6.3.16..18).
constexpr bool CodesAreWellFormed(std::span<const IecEntry> table) {
  for (const IecEntry& e : table) {
    if (e.code.empty() || e.code.size() > 16) return false;
    if (e.unit.size() > 16 || e.unit.find_first_of("()*/!") != std::string_view::npos) {
      return false;
    }
    for (char c : e.code) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'C' || c == 'F')) return false;
    }
  }
  return true;
}

static_assert(CodesAreUnique(kTable));
static_assert(EveryQuantityOnce(kTable));
static_assert(CodesAreWellFormed(kTable));

}  // namespace iec_detail

inline constexpr std::span<const IecEntry> kIecDataSet = iec_detail::kTable;

// The entry with `code`, or nullptr.
const IecEntry* FindIecEntry(std::string_view code);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_IEC_DATA_SET_H_
