// What an M-Bus client reads from a PRO380-Mb and how its RSP_UD records become named values:
// each record is looked up in the meter's own record table (mbus_records.h, the one the server
// encodes with) and decoded back to its quantity's unit (BCD and integers ÷ 10^exponent; reals
// to the resolution of the quantity's Modbus register, nearest, as the Modbus readout does).
// Only device/ knows the records; the client in app/ sees names, units and values.
#ifndef PRO380_DEVICE_MBUS_READOUT_H_
#define PRO380_DEVICE_MBUS_READOUT_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "device/mbus_records.h"

namespace pro380::device {

struct MbusReadoutValue {
  const MbusRecordDef* def = nullptr;
  std::string_view name;        // the canonical quantity name, or the device value's name
  std::string_view unit;        // empty: none
  int decimals = -1;            // the resolution the record carries; -1: as short as exact
  bool integral = false;        // a count or code
  std::optional<double> value;  // nullopt: not a valid encoding (a BCD nibble above 9, NaN)
  std::string text;             // non-empty for codes (fabrication number, secondary address)
};

struct MbusReadout {
  std::vector<MbusReadoutValue> values;  // in readout order
  int unknown_records = 0;               // records the table does not name (skipped)
};

// The values of a readout's joined records (mbus::Readout::records). InvalidArgument when the
// records do not parse.
Result<MbusReadout> DecodeMbusReadout(std::span<const uint8_t> records);

// The name of a device value record ("mbus_primary_address"); the quantity's name otherwise.
std::string_view MbusValueName(const MbusRecordDef& def);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MBUS_READOUT_H_
