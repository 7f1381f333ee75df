// The values a bus write of each writable Modbus setting may carry (reference
// pro380-protocols.md §1.6; the same rules setting_writes.h applies on the meter's side), checked
// by a client before it touches the bus, and the value the meter shows after an accepted write.
#ifndef PRO380_DEVICE_SETTING_VALUES_H_
#define PRO380_DEVICE_SETTING_VALUES_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "device/modbus_map.h"

namespace pro380::device {

// The writable settings' names, comma-separated, for messages.
std::string WritableSettingNames();

// The writable entry named `name` (FindWritableSetting), or InvalidArgument naming the writable
// settings.
Result<const RegisterDef*> WritableSetting(std::string_view name);

// The whole text as a finite decimal number, or nullopt ("12x", "", "1e", "nan" are none): how
// every text interface (the optical port's W1, `pro380 write`) reads a setting's value.
std::optional<double> ParseDecimal(std::string_view text);
// Whether `value` has no fractional part.
bool IsWholeNumber(double value);

// `text` as a value `def` accepts, or InvalidArgument naming the allowed values. Parity also
// takes the letters E, N, O (1, 2, 3).
Result<double> ParseSettingValue(const RegisterDef& def, std::string_view text);

// What the meter shows after accepting `written` (tariff 11/12, "not saved", show as 1/2).
double ExpectedReadBack(const RegisterDef& def, double written);
// Whether a read-back `got` shows `expected`: equal, or for the day counter's reset at most one
// hundredth more (it counts again from the moment of the reset).
bool ReadBackMatches(const RegisterDef& def, double expected, std::optional<double> got);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_SETTING_VALUES_H_
