// The energy keys of a [meter.preset] table (docs/config.md): the forward and reverse, active and
// reactive registers per tariff (T1, T2) and per phase (L1..L3), and the day counter, named by
// the canonical quantity table (metering/quantity.h), e.g. "forward_active_energy_t1_kwh".
#ifndef PRO380_APP_PRESET_KEYS_H_
#define PRO380_APP_PRESET_KEYS_H_

#include <optional>
#include <string_view>

#include "metering/quantity.h"

namespace pro380::app {

// The quantity a preset key names, or nullopt if `key` is not a preset energy key.
std::optional<metering::QuantityId> PresetEnergyFromKey(std::string_view key);

// Every preset key, compactly, for messages: "forward_active_energy_{t1,t2,l1,l2,l3}_kwh, ...,
// day_counter_kwh, power_down_count".
std::string_view PresetKeyList();

}  // namespace pro380::app

#endif  // PRO380_APP_PRESET_KEYS_H_
