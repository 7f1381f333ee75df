// What the optical port client (`pro380 read --iec`, `write --iec`) makes of a PRO380's IEC
// 62056-21 data sets: each data set back to the entry of the one OBIS table (iec_data_set.h)
// its address names, with the value parsed, and the settings `pro380 write` may send over the
// optical port by their register names. Only device/ knows the OBIS codes; the client in app/
// sees names, units and values.
#ifndef PRO380_DEVICE_IEC_READOUT_H_
#define PRO380_DEVICE_IEC_READOUT_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "device/iec_data_set.h"
#include "device/modbus_map.h"
#include "protocol/iec62056/frames.h"

namespace pro380::device {

// The snake_case name of a device value of the data set (serial_number, software_version,
// modbus_id, …): the Modbus register names where the value is the same.
std::string_view IecValueName(IecValue value);
// The quantity's canonical name or IecValueName.
std::string_view IecEntryName(const IecEntry& entry);

// One data set of a readout: its entry, the value, and the value as text for codes (the 8-digit
// serial, device and secondary addresses).
struct IecReadoutValue {
  const IecEntry* entry = nullptr;
  std::optional<double> value;  // nullopt: not a number, or another unit than the entry's
  std::string text;             // non-empty for codes
};

struct IecReadout {
  std::vector<IecReadoutValue> values;  // in the readout's order
  std::vector<std::string> unknown;     // addresses of data sets the PRO380 table has not
};

IecReadout DecodeIecReadout(std::span<const iec62056::DataSet> sets);

// The OBIS entry that writes the Modbus setting `def` over the optical port (W1), or nullptr
// when the optical port cannot write it (power_down_count: C.7.0 is read-only).
const IecEntry* IecEntryForSetting(const RegisterDef& def);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_IEC_READOUT_H_
