// Schema version 3: the counters BLOB (layout 1, docs/formats/state.md, "The counters layout"),
// and the migration of version-2 files — built from the frozen version-2 schema, and one written
// by the version-2 build of pro380 (tests/storage/fixtures/).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <bit>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "storage/nontrivial_state.h"
#include "storage/old_stores.h"
#include "storage/state_counters.h"
#include "storage/state_fields.h"
#include "storage/state_store.h"
#include "testing/run_binary.h"

namespace pro380::storage {
namespace {

using metering::MeterState;

// The stored `counters` value of meter `key`, read with SQLite directly.
std::string CountersOf(const std::string& path, const std::string& key) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT counters FROM meters WHERE key = ?", -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(stmt, 1, key.c_str(), -1, SQLITE_TRANSIENT);
  std::string blob;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    blob.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return blob;
}

void AppendLittleEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// Layout 1 built from the document: the layout number, then the value of every number column of
// the frozen version-1 table (from `day_counter_uwh` on) in that order, INTEGER as int64 and REAL
// as binary64, little-endian. The values come from EncodeMeterState, by name.
std::string DocumentedCounters(const MeterState& state) {
  std::map<std::string, FieldValue> by_name;
  for (StateField& f : EncodeMeterState(state)) by_name[f.name] = f.value;
  std::string out;
  AppendLittleEndian(out, 1, 4);
  const std::string columns = kFrozenColumnsV1;
  bool numbers = false;
  for (size_t at = 0; at < columns.size();) {
    const size_t end = columns.find(' ', at);
    const std::string column = columns.substr(at, end - at);
    at = end + 1;
    const std::string name = column.substr(0, column.find(':'));
    numbers = numbers || name == "day_counter_uwh";
    if (!numbers) continue;
    const FieldValue& v = by_name.at(name);
    if (column.ends_with(":REAL")) {
      AppendLittleEndian(out, std::bit_cast<uint64_t>(std::get<double>(v)), 8);
    } else {
      AppendLittleEndian(out, static_cast<uint64_t>(std::get<int64_t>(v)), 8);
    }
  }
  return out;
}

TEST(StateStore, SchemaVersionThreeIsFrozen) {
  const std::string dir = testing::MakeTempDir("store-v3-columns");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().message();
    const MeterRecord record{"22091039", NonTrivialState(7)};
    ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(1)).ok());
  }
  const std::vector<std::string> expected = {"key:TEXT:1",
                                             "saved_wall_time_ns:INTEGER:0",
                                             "meter_time_ns:INTEGER:0",
                                             "ct_variant:INTEGER:0",
                                             "ct_ratio:INTEGER:0",
                                             "ct_locked:INTEGER:0",
                                             "wiring:TEXT:0",
                                             "combined_code:INTEGER:0",
                                             "s0_uwh_per_pulse:INTEGER:0",
                                             "tariff:INTEGER:0",
                                             "counters:BLOB:0"};
  EXPECT_EQ(ColumnsOf(StatePath(dir), "meters"), expected);
  const std::string blob = CountersOf(StatePath(dir), "22091039");
  EXPECT_EQ(blob.size(), kCountersSize);
  EXPECT_EQ(blob, DocumentedCounters(NonTrivialState(7)));
}

TEST(StateStore, CountersOfAnotherSizeOrLayoutAreRefusedNotReset) {
  const std::string dir = testing::MakeTempDir("store-v3-bad-counters");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    const MeterRecord record{"5", NonTrivialState(0)};
    ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(0)).ok());
  }
  RawSql(StatePath(dir), "UPDATE meters SET counters = substr(counters, 1, 467);");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    auto loaded = (*store)->Load("5");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.status().message().find("counters is 467 bytes, layout 1 has 468"),
              std::string::npos)
        << loaded.status().message();
  }
  RawSql(StatePath(dir),
         "UPDATE meters SET counters = CAST(X'02000000' || zeroblob(464) AS BLOB);");  // layout 2
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->Load("5");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("counters has layout 2"), std::string::npos)
      << loaded.status().message();
  EXPECT_EQ(CountersOf(StatePath(dir), "5").substr(0, 4), std::string("\x02\0\0\0", 4))
      << "a refused row is left as it is";
}

std::vector<MeterRecord> VersionTwoMeters() {
  std::vector<MeterRecord> meters;
  for (int i = 0; i < 5; ++i) meters.push_back({std::to_string(22091039 + i), NonTrivialState(i)});
  meters[1].device_settings = {{"baud_rate", 2400}, {"modbus_id", 7}, {"parity", 3}};
  meters[3].device_settings = {{"lcd_cycle_time_s", 30}, {"modbus_id", 200}};
  meters[4].state.residues_uj[1][3] = 3599.9999999999995;  // the largest residue below 3600
  return meters;
}

std::vector<Event> VersionTwoEvents() {
  return {{At(10), At(11), "22091039", EventKind::kPowerUp, "app", "", "new meter"},
          {At(12), At(13), "22091040", EventKind::kSettingChange, "modbus-tcp", "127.0.0.1:5",
           "modbus_id: 1 -> 7"}};
}

TEST(StateStore, AVersionTwoFileIsMigratedKeepingEveryValue) {
  const std::string dir = testing::MakeTempDir("store-v2");
  WriteVersionTwoStore(dir, VersionTwoMeters(), VersionTwoEvents());
  ASSERT_EQ(UserVersion(StatePath(dir)), 2);
  {
    // Read-only: read as version 2, not migrated.
    auto reader = StateStore::Open(dir, {.read_only = true});
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_EQ((*reader)->schema_version(), 2);
    EXPECT_EQ(**(*reader)->Load("22091043"), VersionTwoMeters()[4].state);
  }
  ASSERT_EQ(UserVersion(StatePath(dir)), 2);
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->schema_version(), 3);
  }
  EXPECT_EQ(UserVersion(StatePath(dir)), 3);
  auto store = StateStore::Open(dir);  // a migrated file opens as it is
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(*(*store)->Keys(),
            (std::vector<std::string>{"22091039", "22091040", "22091041", "22091042", "22091043"}));
  for (const MeterRecord& m : VersionTwoMeters()) {
    auto loaded = (*store)->Load(m.key);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << m.key << loaded.status().message();
    EXPECT_EQ(**loaded, m.state) << m.key;  // bit for bit, residues included
    EXPECT_EQ(CountersOf(StatePath(dir), m.key), DocumentedCounters(m.state)) << m.key;
    auto settings = (*store)->LoadDeviceSettings(m.key);
    ASSERT_TRUE(settings.ok());
    EXPECT_EQ(*settings, m.device_settings.value_or(std::vector<NamedSetting>{})) << m.key;
  }
  auto events = (*store)->ReadEvents();
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), VersionTwoEvents().size());
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ((*events)[i].event, VersionTwoEvents()[i]) << i;
  }
  EXPECT_TRUE((*store)->IntegrityFindings()->empty());
}

// The migration carries a stored value over without judging it: an invalid version-2 row is
// still refused when it is loaded (as version 2 did), never repaired or dropped.
TEST(StateStore, AnInvalidVersionTwoRowIsCarriedOverAndRefusedAtLoad) {
  const std::string dir = testing::MakeTempDir("store-v2-invalid");
  WriteVersionTwoStore(dir, VersionTwoMeters(), {});
  RawSql(StatePath(dir),
         "UPDATE meters SET residue_active_reverse_l3_uj = 4000.5, "
         "combined_code = 2 WHERE key = '22091041';");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto loaded = (*store)->Load("22091041");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("combined_code"), std::string::npos)
      << loaded.status().message();
  MeterState expected = VersionTwoMeters()[2].state;
  expected.residues_uj[1][2] = 4000.5;
  EXPECT_EQ(CountersOf(StatePath(dir), "22091041"), DocumentedCounters(expected));
  EXPECT_EQ(**(*store)->Load("22091042"), VersionTwoMeters()[3].state);
}

// A value of `pro380 state export`'s JSON "state" object: "name": integer, real or "text".
FieldValue JsonValue(const std::string& text) {
  if (text.front() == '"') return text.substr(1, text.size() - 2);
  if (text.find_first_of(".eE") != std::string::npos) return std::strtod(text.c_str(), nullptr);
  return static_cast<int64_t>(std::strtoll(text.c_str(), nullptr, 10));
}

// The state fields of every meter in an export of the version-2 build (one "state": {…} object
// per meter, flat, as docs/formats/state.md describes it), by the meter's key.
std::map<std::string, std::vector<StateField>> ExportedStates(const std::string& json) {
  std::map<std::string, std::vector<StateField>> states;
  for (size_t at = json.find("\"key\": \""); at != std::string::npos;
       at = json.find("\"key\": \"", at + 1)) {
    const std::string key = json.substr(at + 8, 8);
    const size_t begin = json.find('{', json.find("\"state\":", at)) + 1;
    const size_t end = json.find('}', begin);
    std::vector<StateField>& fields = states[key];
    for (size_t p = json.find('"', begin); p < end; p = json.find('"', p)) {
      const size_t name_end = json.find('"', p + 1);
      const std::string name = json.substr(p + 1, name_end - p - 1);
      const size_t value_at = json.find_first_not_of(": ", name_end + 1);
      size_t value_end = json.find_first_of(",}", value_at);
      if (json[value_at] == '"') value_end = json.find('"', value_at + 1) + 1;
      std::string value = json.substr(value_at, value_end - value_at);
      while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
      fields.push_back({name, JsonValue(value)});
      p = value_end;
    }
  }
  return states;
}

TEST(StateStore, AFileWrittenByVersionTwoPro380IsMigrated) {
  const char* source_dir = std::getenv("PRO380_SOURCE_DIR");
  ASSERT_NE(source_dir, nullptr);
  const std::filesystem::path fixtures =
      std::filesystem::path(source_dir) / "tests/storage/fixtures";
  const std::string dir = testing::MakeTempDir("store-v2-fixture");
  std::filesystem::copy_file(fixtures / "state-v2.sqlite", StatePath(dir));
  std::ifstream in(fixtures / "state-v2-export.json");
  const std::string json((std::istreambuf_iterator<char>(in)), {});
  const auto exported = ExportedStates(json);
  ASSERT_EQ(exported.size(), 3u) << json;
  ASSERT_EQ(UserVersion(StatePath(dir)), 2);
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ(UserVersion(StatePath(dir)), 3);
  EXPECT_EQ(*(*store)->Keys(),
            (std::vector<std::string>{exported.begin()->first, std::next(exported.begin())->first,
                                      exported.rbegin()->first}));
  for (const auto& [key, fields] : exported) {
    auto expected = DecodeMeterState(fields);
    ASSERT_TRUE(expected.ok()) << key << ": " << expected.status().message();
    auto loaded = (*store)->Load(key);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << key << loaded.status().message();
    EXPECT_EQ(**loaded, *expected) << key;
  }
  EXPECT_FALSE((*store)->LoadDeviceSettings(exported.begin()->first)->empty());
  size_t exported_events = 0;  // one "kind" per event in the export
  for (size_t at = json.find("\"kind\":"); at != std::string::npos;
       at = json.find("\"kind\":", at + 1)) {
    ++exported_events;
  }
  EXPECT_GT(exported_events, 0u);
  EXPECT_EQ((*store)->ReadEvents()->size(), exported_events);
}

}  // namespace
}  // namespace pro380::storage
