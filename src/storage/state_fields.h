// A MeterState as named fields: the one mapping between a meter's state and its stored names,
// used to read rows of the `meters` table and for the JSON of `pro380 state export|import`
// (docs/formats/state.md). Names and encodings are those of schema version 1: settings as the
// columns `meter_time_ns` … `tariff`, then every number of ForEachNumber (state_columns.h).
#ifndef PRO380_STORAGE_STATE_FIELDS_H_
#define PRO380_STORAGE_STATE_FIELDS_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/status.h"
#include "metering/meter_state.h"

namespace pro380::storage {

using FieldValue = std::variant<int64_t, double, std::string>;

struct StateField {
  std::string name;
  FieldValue value;
};

// Every field of `state` in column order (without `key` and `saved_wall_time_ns`).
std::vector<StateField> EncodeMeterState(const metering::MeterState& state);

// The inverse. Every field must be present exactly once with its type (an INTEGER field given as
// a whole double is accepted, as JSON readers may produce one); unknown names are refused. The
// result passes ValidateMeterState. InvalidArgument names the first offending field.
Result<metering::MeterState> DecodeMeterState(const std::vector<StateField>& fields);

}  // namespace pro380::storage

#endif  // PRO380_STORAGE_STATE_FIELDS_H_
