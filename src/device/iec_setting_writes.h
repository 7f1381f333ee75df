// The settings only the optical port writes (docs/client.md, "Settings only the optical port
// writes"): the PRO380 has no Modbus register for them, and its IEC 62056-21 data set has a
// writable entry for each (docs/protocols/iec62056.md, `139.0.4` … `139.0.8`). `pro380 write
// --iec` sends them with W1 by these names (the names a readout shows them under), with the
// values the meter's side accepts (device/pro380_iec_provider.cc, Write).
#ifndef PRO380_DEVICE_IEC_SETTING_WRITES_H_
#define PRO380_DEVICE_IEC_SETTING_WRITES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "device/iec_data_set.h"

namespace pro380::device {

struct IecOnlySetting {
  std::string_view name;  // IecValueName(value)
  IecValue value;         // its entry of the data set
  uint32_t min;           // the allowed whole numbers, min..max
  uint32_t max;
  bool eight_digits;         // sent (and read) as exactly 8 digits, leading zeros kept
  std::string_view allowed;  // the allowed values in words, for messages
};

// The optical-only setting named `name` ("backlight_mode"), or nullptr.
const IecOnlySetting* FindIecOnlySetting(std::string_view name);
// Their names, comma-separated, for messages.
std::string IecOnlySettingNames();

// One checked write of an optical-only setting.
struct IecOnlyWrite {
  const IecOnlySetting* setting = nullptr;
  const IecEntry* entry = nullptr;  // the data set W1 and R1 address
  std::string sent;                 // the W1 value ("3", "00001234")
  uint32_t value = 0;
};

// The write of `setting`=`text`. InvalidArgument naming the setting and its allowed values when
// `text` is not one of them (8-digit settings need exactly 8 digits: "1234" is refused rather
// than padded, a password must be typed whole).
Result<IecOnlyWrite> IecOnlySettingWrite(const IecOnlySetting& setting, std::string_view text);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_IEC_SETTING_WRITES_H_
