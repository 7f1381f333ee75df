// The `counters` value of a `meters` row (schema version 3, docs/formats/state.md, "The counters
// layout"): every number of a MeterState that ForEachNumber lists — counters, registers, residues —
// packed into one BLOB of fixed little-endian fields, so that a save binds one value a meter
// instead of 58 (docs/performance.md, "The fleet"). DO NOT CHANGE layout 1: a new layout is a new
// layout number (and a new schema version).
#ifndef PRO380_STORAGE_STATE_COUNTERS_H_
#define PRO380_STORAGE_STATE_COUNTERS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "metering/meter_state.h"
#include "storage/state_fields.h"

namespace pro380::storage {

// Layout 1: a uint32 layout number (1), then the 42 integer fields of ForEachNumber as int64, then
// its 16 residues as IEEE 754 binary64, each in ForEachNumber order, all little-endian, no
// padding: 4 + 42 × 8 + 16 × 8 = 468 bytes.
inline constexpr uint32_t kCountersLayout = 1;
inline constexpr size_t kCounterIntegers = 42;
inline constexpr size_t kCounterReals = 16;
inline constexpr size_t kCountersSize = 4 + 8 * (kCounterIntegers + kCounterReals);

using CountersBlob = std::array<uint8_t, kCountersSize>;

// The numbers of `state` in layout 1.
void EncodeCounters(const metering::MeterState& state, CountersBlob& out);

// The numbers of a stored `counters` value as named state fields (the names of ForEachNumber, as
// the columns of schema versions 1 and 2 had them), for DecodeMeterState. A value of another
// size or layout number is InvalidArgument saying which.
Result<std::vector<StateField>> DecodeCounters(std::span<const uint8_t> blob);

// Packs `integers` and `reals` (in ForEachNumber order, as read from the columns of schema
// version 2) into layout 1: the migration from version 2 carries every value over as it is stored,
// without judging it (an invalid state is refused when it is loaded, as before).
void PackCounters(std::span<const int64_t, kCounterIntegers> integers,
                  std::span<const double, kCounterReals> reals, CountersBlob& out);

}  // namespace pro380::storage

#endif  // PRO380_STORAGE_STATE_COUNTERS_H_
