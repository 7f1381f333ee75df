// The JSON form of a state store, written by `pro380 state export` and read by `pro380 state
// import` (docs/formats/state.md, "Export"). Each meter's state is its named fields
// (storage/state_fields.h: the column names of the store, exact integers, residues as doubles
// that round-trip bit for bit); `device_settings`, present when the store has them, are the
// meter's DeviceSettings as named integers (device/device_setting_fields.h); `quantities` shows
// the registers in the canonical names for people and is ignored on import.
#ifndef PRO380_APP_STATE_JSON_H_
#define PRO380_APP_STATE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "storage/state_store.h"

namespace pro380::app {

inline constexpr std::string_view kStateExportFormat = "pro380-state";
inline constexpr int kStateExportVersion = 1;

struct StateDocument {
  std::vector<storage::MeterRecord> meters;
  std::vector<storage::Event> events;  // oldest first
};

// `schema_version` is that of the exported store (information only).
nlohmann::ordered_json StateToJson(const std::vector<storage::MeterRecord>& meters,
                                   const std::vector<storage::StoredEvent>& events,
                                   int schema_version = storage::kSchemaVersion);

// Every problem is InvalidArgument naming its place in the document, e.g.
// "meters[0].state: tariff is not 1 or 2". Keys must be 8-digit serials, each once. A meter's
// `device_settings` are optional (exports made before they existed have none: the record then
// carries nullopt, so an import keeps what the store has); when given, every field is checked as
// the store's reader checks it and the record carries the complete list.
Result<StateDocument> StateFromJson(const nlohmann::json& document);

}  // namespace pro380::app

#endif  // PRO380_APP_STATE_JSON_H_
