// The meter options a config file may set: each [[meter]] key with its command-line name, and the
// subset a [[fleet]] takes for all its meters (docs/config.md). One table, so that a new [[meter]]
// key is a fleet key too unless it is named below as one a fleet cannot take.
//
// Thread safety: constants only.
#ifndef PRO380_APP_METER_OPTION_KEYS_H_
#define PRO380_APP_METER_OPTION_KEYS_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace pro380::app {

// A meter option's config key and command-line name (without "--"). The allowed values live in
// app/meter_options.cc only (ValidateMeterArgs).
struct MeterOptionKey {
  std::string_view key;
  std::string_view option;
};

inline constexpr std::array<MeterOptionKey, 9> kMeterOptionKeys = {{
    {"variant", "variant"},
    {"serial", "serial"},
    {"id", "id"},
    {"ct", "ct"},
    {"combined_code", "combined-code"},
    {"s0_rate", "s0-rate"},
    {"wiring", "wiring"},
    {"tariff", "tariff"},
    {"identity", "identity"},
}};

// The [[meter]] keys a [[fleet]] cannot take: the template numbers its meters' serials and IDs
// (serial_start, id_start, ids_per_port).
inline constexpr std::array<std::string_view, 2> kMeterKeysNotForFleets = {"serial", "id"};

constexpr bool IsMeterKeyForFleets(std::string_view key) {
  return std::find(kMeterKeysNotForFleets.begin(), kMeterKeysNotForFleets.end(), key) ==
         kMeterKeysNotForFleets.end();
}

constexpr std::size_t CountFleetMeterKeys() {
  return static_cast<std::size_t>(
      std::count_if(kMeterOptionKeys.begin(), kMeterOptionKeys.end(),
                    [](const MeterOptionKey& k) { return IsMeterKeyForFleets(k.key); }));
}

// kMeterOptionKeys without kMeterKeysNotForFleets, in the same order.
inline constexpr auto kFleetMeterKeys = [] {
  std::array<MeterOptionKey, CountFleetMeterKeys()> keys{};
  std::size_t n = 0;
  for (const MeterOptionKey& k : kMeterOptionKeys) {
    if (IsMeterKeyForFleets(k.key)) keys[n++] = k;
  }
  return keys;
}();

// Every key a fleet cannot take is a [[meter]] key (a renamed key must be renamed here too).
static_assert(std::all_of(kMeterKeysNotForFleets.begin(), kMeterKeysNotForFleets.end(),
                          [](std::string_view name) {
                            return std::any_of(
                                kMeterOptionKeys.begin(), kMeterOptionKeys.end(),
                                [name](const MeterOptionKey& k) { return k.key == name; });
                          }));
static_assert(kFleetMeterKeys.size() + kMeterKeysNotForFleets.size() == kMeterOptionKeys.size());

}  // namespace pro380::app

#endif  // PRO380_APP_METER_OPTION_KEYS_H_
