// What a client may write to a PRO380-Mb over M-Bus (docs/protocols/mbus.md, "Writes" and "Baud
// rate"): the settings by name, their values checked before the bus with the rules the meter
// applies, and the SND_UD that carries each (CI 51 with the record of mbus_records.h, or CI
// B8..BD for the baud rate). Only device/ knows the records.
#ifndef PRO380_DEVICE_MBUS_WRITES_H_
#define PRO380_DEVICE_MBUS_WRITES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pro380::device {

struct MbusWrite {
  std::string name;  // the setting, as the readout names it ("mbus_primary_address")
  uint8_t ci = 0;    // 0x51 data send, or 0xB8..0xBD
  std::vector<uint8_t> data;
  double value = 0;  // what the readout shows after the write
};

// The M-Bus writable settings, comma-separated, for messages.
std::string MbusWritableSettingNames();

// The write of `name`=`text`. InvalidArgument (exit 2): an unknown setting (naming the writable
// ones), a setting only another bus writes (naming that bus), or a value not allowed (naming
// the allowed ones).
Result<MbusWrite> MbusSettingWrite(std::string_view name, std::string_view text);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_MBUS_WRITES_H_
