#include "app/state_json.h"

#include <set>

#include "app/json_output.h"
#include "app/saved_device_settings.h"
#include "metering/meter.h"
#include "metering/readings.h"
#include "storage/state_fields.h"

namespace pro380::app {
namespace {

using nlohmann::json;

Status At(const std::string& where, const std::string& problem) {
  return Status::InvalidArgument(where + ": " + problem);
}

Result<std::string> Text(const json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return At(where, key + " must be a string");
  return it->get<std::string>();
}

Result<int64_t> Integer(const json& object, const std::string& key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer() ||
      (it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX)) {
    return At(where, key + " must be an integer");
  }
  return it->get<int64_t>();
}

bool IsSerial(const std::string& key) {
  return key.size() == 8 && key.find_first_not_of("0123456789") == std::string::npos;
}

Result<storage::MeterRecord> MeterFromJson(const json& entry, const std::string& where) {
  if (!entry.is_object()) return At(where, "must be an object");
  auto key = Text(entry, "key", where);
  if (!key.ok()) return key.status();
  if (!IsSerial(*key)) return At(where, "key '" + *key + "' is not an 8-digit serial");
  const auto state = entry.find("state");
  if (state == entry.end() || !state->is_object()) {
    return At(where, "state must be an object");
  }
  std::vector<storage::StateField> fields;
  for (const auto& [name, value] : state->items()) {
    if (value.is_number_integer() &&
        !(value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)) {
      fields.push_back({name, value.get<int64_t>()});
    } else if (value.is_number()) {
      fields.push_back({name, value.get<double>()});
    } else if (value.is_string()) {
      fields.push_back({name, value.get<std::string>()});
    } else {
      return At(where + ".state", name + " must be a number or a string");
    }
  }
  auto decoded = storage::DecodeMeterState(fields);
  if (!decoded.ok()) return At(where + ".state", decoded.status().message());
  storage::MeterRecord record{*key, *decoded};
  const auto settings = entry.find("device_settings");
  if (settings != entry.end()) {
    const std::string place = where + ".device_settings";
    if (!settings->is_object()) return At(place, "must be an object");
    std::vector<storage::NamedSetting> named;
    for (const auto& [name, value] : settings->items()) {
      if (!value.is_number_integer() ||
          (value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX)) {
        return At(place, name + " must be an integer");
      }
      named.push_back({name, value.get<int64_t>()});
    }
    auto device = DeviceSettingsFromNamed(named);
    if (!device.ok()) return At(place, device.status().message());
    record.device_settings = DeviceSettingsToNamed(*device);
  }
  return record;
}

Result<storage::Event> EventFromJson(const json& entry, const std::string& where) {
  if (!entry.is_object()) return At(where, "must be an object");
  storage::Event e;
  auto wall = Integer(entry, "wall_time_ns", where);
  if (!wall.ok()) return wall.status();
  auto meter = Integer(entry, "meter_time_ns", where);
  if (!meter.ok()) return meter.status();
  e.wall_time = TimePoint(Duration(*wall));
  e.meter_time = TimePoint(Duration(*meter));
  auto kind = Text(entry, "kind", where);
  if (!kind.ok()) return kind.status();
  const auto parsed = storage::EventKindFromName(*kind);
  if (!parsed) return At(where, "kind '" + *kind + "' is not an event kind");
  e.kind = *parsed;
  for (auto [name, out] : {std::pair<const char*, std::string*>{"meter_key", &e.meter_key},
                           {"interface", &e.interface},
                           {"client", &e.client},
                           {"detail", &e.detail}}) {
    auto text = Text(entry, name, where);
    if (!text.ok()) return text.status();
    *out = *text;
  }
  return e;
}

}  // namespace

nlohmann::ordered_json StateToJson(const std::vector<storage::MeterRecord>& meters,
                                   const std::vector<storage::StoredEvent>& events,
                                   int schema_version) {
  using OrderedJson = nlohmann::ordered_json;
  OrderedJson doc = {{"format", kStateExportFormat},
                     {"version", kStateExportVersion},
                     {"schema_version", schema_version}};
  OrderedJson& out_meters = doc["meters"] = OrderedJson::array();
  for (const storage::MeterRecord& m : meters) {
    OrderedJson state = OrderedJson::object();
    for (const storage::StateField& f : storage::EncodeMeterState(m.state)) {
      std::visit([&](const auto& v) { state[f.name] = v; }, f.value);
    }
    const metering::Meter meter(m.state);
    OrderedJson entry = {{"key", m.key},
                         {"meter_time", FormatTime(m.state.config.start)},
                         {"state", std::move(state)}};
    if (m.device_settings) {
      OrderedJson& settings = entry["device_settings"] = OrderedJson::object();
      for (const storage::NamedSetting& s : *m.device_settings) settings[s.name] = s.value;
    }
    entry["quantities"] = QuantitiesJson(metering::Read(meter));
    out_meters.push_back(std::move(entry));
  }
  OrderedJson& out_events = doc["events"] = OrderedJson::array();
  for (const storage::StoredEvent& s : events) {
    const storage::Event& e = s.event;
    out_events.push_back({{"id", s.id},
                          {"wall_time_ns", e.wall_time.time_since_epoch().count()},
                          {"meter_time_ns", e.meter_time.time_since_epoch().count()},
                          {"meter_key", e.meter_key},
                          {"kind", storage::EventKindName(e.kind)},
                          {"interface", e.interface},
                          {"client", e.client},
                          {"detail", e.detail}});
  }
  return doc;
}

Result<StateDocument> StateFromJson(const json& doc) {
  if (!doc.is_object()) return Status::InvalidArgument("the document must be a JSON object");
  if (doc.value("format", json()) != kStateExportFormat) {
    return Status::InvalidArgument("format must be \"" + std::string(kStateExportFormat) +
                                   "\" (this is not a pro380 state export)");
  }
  if (doc.value("version", json()) != kStateExportVersion) {
    return Status::InvalidArgument("version must be " + std::to_string(kStateExportVersion) +
                                   " (an export of another pro380 version)");
  }
  StateDocument out;
  const auto meters = doc.find("meters");
  if (meters == doc.end() || !meters->is_array()) {
    return Status::InvalidArgument("meters must be an array");
  }
  std::set<std::string> keys;
  for (size_t i = 0; i < meters->size(); ++i) {
    const std::string where = "meters[" + std::to_string(i) + "]";
    auto record = MeterFromJson((*meters)[i], where);
    if (!record.ok()) return record.status();
    if (!keys.insert(record->key).second) {
      return At(where, "meter " + record->key + " appears twice");
    }
    out.meters.push_back(std::move(*record));
  }
  const auto events = doc.find("events");
  if (events != doc.end()) {
    if (!events->is_array()) return Status::InvalidArgument("events must be an array");
    for (size_t i = 0; i < events->size(); ++i) {
      auto event = EventFromJson((*events)[i], "events[" + std::to_string(i) + "]");
      if (!event.ok()) return event.status();
      out.events.push_back(std::move(*event));
    }
  }
  return out;
}

}  // namespace pro380::app
