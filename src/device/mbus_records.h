// The PRO380-Mb's M-Bus readout (RSP_UD records) as a typed constexpr table: every quantity of
// the quantity table (metering/quantity.h) and the M-Bus identity and settings, each bound to
// its record header (DIF/DIFE/VIF/VIFE), data field and scale. Checked at compile time: every
// quantity appears exactly once, no two records share a header, and each data field suits its
// scale. docs/protocols/mbus.md lists the table for users.
//
// Field convention (reference pro380-protocols.md §3.2, the Tasmota and libmbus-exporter
// configurations): phase = storage number (0 total, 1..3 = L1..L3); reverse = function
// "minimum"; tariff T1/T2 = DIFE tariff 1/2; active energy in 10 Wh (VIF 04) 8-digit BCD;
// active power 0.1 W (VIF 2A), voltage 0.01 V (FD 47) and current 1 mA (FD 59) in BCD.
// Decided here (no field evidence): forward energy = subunit 1; quantities without a VIF that
// libmbus knows (reactive energy and power, apparent power, frequency, pulse counters, device
// values) carry a plain-text unit (VIF 7C) and a 32-bit value — the float the Modbus register
// shows, or an integer for counters and codes.
#ifndef PRO380_DEVICE_MBUS_RECORDS_H_
#define PRO380_DEVICE_MBUS_RECORDS_H_

#include <array>
#include <cstdint>
#include <span>

#include "metering/quantity.h"
#include "protocol/mbus/records.h"

namespace pro380::device {

// Record values that are not quantities of the quantity table.
enum class MbusValue : uint8_t {
  kNone,  // the record shows a quantity
  kFabricationNumber,
  kSecondaryAddress,
  kPrimaryAddress,
  kBaudRate,
  kSoftwareVersion,
  kHardwareVersion,
};

enum class MbusRounding : uint8_t { kNearest, kTruncate };

struct MbusRecordDef {
  mbus::RecordHeader header;
  metering::QuantityId quantity;  // kCount when `value` is not kNone
  MbusValue value;
  // Integer and BCD fields: the wire integer is the value × 10^exponent, rounded. Real fields
  // send the value in its quantity's unit, as the Modbus register shows it.
  int8_t exponent;
  MbusRounding rounding;
  bool writable;

  constexpr bool shows_quantity() const { return value == MbusValue::kNone; }
};

// The records in readout order (libmbus numbers them from 0 in this order).
std::span<const MbusRecordDef> MbusRecords();

// The record a received header (plain text as sent, reversed) names, or nullptr. `0C 79` (the
// standard secondary address record) names the secondary address.
const MbusRecordDef* FindMbusRecord(const mbus::RecordHeader& received);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MBUS_RECORDS_H_
