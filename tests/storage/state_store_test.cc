// StateStore: exact round trips, one transaction for many meters, the append-only event log, and
// refusal (never reset) of foreign, garbage, damaged and newer files; device settings (schema
// version 2) and the migration of a version-1 file.
#include "storage/state_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "metering/meter.h"
#include "storage/nontrivial_state.h"
#include "storage/old_stores.h"
#include "storage/state_fields.h"
#include "testing/run_binary.h"

namespace pro380::storage {
namespace {

using metering::MeterState;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(StateStore, NewDirectoryAndEmptyStore) {
  const std::string dir = testing::MakeTempDir("store-new") + "/a/b";
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->path(), StatePath(dir));
  auto loaded = (*store)->Load("00000001");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_FALSE(loaded->has_value());
}

TEST(StateStore, RoundTripIsExact) {
  const std::string dir = testing::MakeTempDir("store-roundtrip");
  const MeterState saved = NonTrivialState(1);
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().message();
    const MeterRecord record{"22091039", saved};
    ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(1'800'000'000)).ok());
  }
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto loaded = (*store)->Load("22091039");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE(**loaded == saved);  // bit-exact, residues included
  EXPECT_EQ(**loaded, saved);
}

TEST(StateStore, ARestoredMeterContinuesExactly) {
  metering::MeterConfig config;
  metering::Meter meter(config);
  metering::Interval interval{};
  interval.duration = std::chrono::milliseconds(333);
  for (auto& phase : interval.phase) {
    phase = metering::PhaseFromPower(230.1, 1777.7, -123.4);
  }
  for (int i = 0; i < 1000; ++i) meter.Apply(interval);
  const std::string dir = testing::MakeTempDir("store-continue");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    const MeterRecord record{"1", meter.state()};
    ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(0)).ok());
  }
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->Load("1");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  metering::Meter restored(**loaded);
  for (int i = 0; i < 1000; ++i) {
    meter.Apply(interval);
    restored.Apply(interval);
  }
  EXPECT_EQ(restored.state(), meter.state());
}

TEST(StateStore, ManyMetersInOneTransaction) {
  const std::string dir = testing::MakeTempDir("store-many");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  std::vector<MeterRecord> records;
  for (int i = 0; i < 60; ++i)
    records.push_back({std::to_string(10000000 + i), NonTrivialState(i)});
  const Event up{At(1), At(2), "10000000", EventKind::kPowerUp, "app", "", "start"};
  ASSERT_TRUE((*store)->Save(records, {&up, 1}, At(1)).ok());
  // An invalid state in the batch: nothing of the batch is written.
  std::vector<MeterRecord> second = records;
  for (auto& r : second) r.state.power_down_count += 1000;
  second[30].state.day_counter_uwh = -1;
  const Status refused = (*store)->Save(second, {&up, 1}, At(2));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("day_counter_uwh"), std::string::npos) << refused.message();
  for (const MeterRecord& r : records) {
    auto loaded = (*store)->Load(r.key);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << r.key;
    EXPECT_EQ(**loaded, r.state) << r.key;
  }
  auto events = (*store)->ReadEvents();
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

// A save updates the rows of meters the store has and inserts those it has not, in one
// transaction; every meter keeps one row, with its latest state.
TEST(StateStore, ASaveUpdatesSavedMetersAndInsertsNewOnes) {
  const std::string dir = testing::MakeTempDir("store-update");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  std::vector<MeterRecord> records;
  for (int i = 0; i < 3; ++i) records.push_back({std::to_string(20000000 + i), NonTrivialState(i)});
  ASSERT_TRUE((*store)->Save(records, {}, At(1)).ok());
  for (auto& r : records) r.state.power_down_count += 7;
  records.push_back({"20000009", NonTrivialState(9)});
  records.insert(records.begin(), {"19999999", NonTrivialState(5)});
  ASSERT_TRUE((*store)->Save(records, {}, At(2)).ok());
  for (const MeterRecord& r : records) {
    auto loaded = (*store)->Load(r.key);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << r.key;
    EXPECT_EQ(**loaded, r.state) << r.key;
  }
  auto keys = (*store)->Keys();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 5u);
}

TEST(StateStore, EventsComeBackInOrder) {
  const std::string dir = testing::MakeTempDir("store-events");
  std::vector<Event> appended;
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 20; ++i) {
      Event e{At(100 + i),
              At(200 + 2 * i),
              i % 2 ? "A" : "B",
              static_cast<EventKind>(i % 7),
              "modbus-tcp",
              "127.0.0.1:4000",
              "detail " + std::to_string(i) + " with 'quotes' and ünïcode"};
      ASSERT_TRUE((*store)->AppendEvent(e).ok());
      appended.push_back(e);
    }
  }
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto all = (*store)->ReadEvents();
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), appended.size());
  for (std::size_t i = 0; i < appended.size(); ++i) {
    EXPECT_EQ((*all)[i].event, appended[i]) << i;
    if (i > 0) {
      EXPECT_GT((*all)[i].id, (*all)[i - 1].id);
    }
  }
  auto only_a = (*store)->ReadEvents("A");
  ASSERT_TRUE(only_a.ok());
  EXPECT_EQ(only_a->size(), 10u);
  // The log is append-only, also for another program writing SQL.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(StatePath(dir).c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM events", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE events SET detail = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
}

// Opens and expects a refusal naming the path and containing `words`.
void ExpectRefused(const std::string& dir, const std::vector<std::string>& words) {
  const std::string before = ReadFile(StatePath(dir));
  auto store = StateStore::Open(dir);
  ASSERT_FALSE(store.ok());
  const std::string message = store.status().message();
  EXPECT_EQ(store.status().code(), Status::Code::kFailedPrecondition) << message;
  EXPECT_NE(message.find(StatePath(dir)), std::string::npos) << message;
  for (const std::string& w : words) EXPECT_NE(message.find(w), std::string::npos) << message;
  EXPECT_EQ(ReadFile(StatePath(dir)), before) << "a refused file must not be changed";
}

TEST(StateStore, ForeignSqliteFileIsRefused) {
  const std::string dir = testing::MakeTempDir("store-foreign");
  RawSql(StatePath(dir),
         "CREATE TABLE photos (id INTEGER, name TEXT); INSERT INTO photos "
         "VALUES (1, 'cat');");
  ExpectRefused(dir, {"another program"});
  RawSql(StatePath(dir), "PRAGMA application_id = 1234;");
  ExpectRefused(dir, {"0x000004d2"});
}

TEST(StateStore, GarbageIsRefused) {
  const std::string dir = testing::MakeTempDir("store-garbage");
  {
    std::ofstream out(StatePath(dir), std::ios::binary);
    for (int i = 0; i < 10000; ++i) out << "this is not a database " << i << "\n";
  }
  ExpectRefused(dir, {"not a pro380 state file"});
}

// A store with enough data to span many pages, closed cleanly (checkpointed into the file).
void WriteBigStore(const std::string& dir) {
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  std::vector<MeterRecord> records;
  for (int i = 0; i < 64; ++i)
    records.push_back({std::to_string(20000000 + i), NonTrivialState(i)});
  std::vector<Event> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(
        {At(i), At(i), "20000000", EventKind::kSettingChange, "cli", "", std::string(100, 'x')});
  }
  ASSERT_TRUE((*store)->Save(records, events, At(1)).ok());
}

TEST(StateStore, CorruptedFileIsRefused) {
  const std::string dir = testing::MakeTempDir("store-corrupt");
  WriteBigStore(dir);
  const std::string path = StatePath(dir);
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 8u * 4096);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    const std::string junk(4096, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  ExpectRefused(dir, {"damaged"});
}

TEST(StateStore, TruncatedFileIsRefused) {
  const std::string dir = testing::MakeTempDir("store-truncated");
  WriteBigStore(dir);
  const std::string path = StatePath(dir);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  ExpectRefused(dir, {"damaged"});
}

TEST(StateStore, NewerSchemaIsRefusedWithBothVersions) {
  const std::string dir = testing::MakeTempDir("store-newer");
  ASSERT_TRUE(StateStore::Open(dir).ok());
  RawSql(StatePath(dir), "PRAGMA user_version = 7;");
  ExpectRefused(dir, {"schema version 7", "newer than version " + std::to_string(kSchemaVersion)});
}

TEST(StateStore, VersionZeroIsMigrated) {
  // Version 0: a pro380 file whose tables were never created (the first migration's input).
  const std::string dir = testing::MakeTempDir("store-v0");
  RawSql(StatePath(dir), "PRAGMA application_id = 1345534000;");  // 0x50333830
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  const MeterRecord record{"1", NonTrivialState(3)};
  ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(0)).ok());
  store->reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(StatePath(dir).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(stmt, 0), kSchemaVersion);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST(StateStore, InvalidSavedStateIsRefusedNotReset) {
  const std::string dir = testing::MakeTempDir("store-invalid");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    const MeterRecord record{"5", NonTrivialState(0)};
    ASSERT_TRUE((*store)->Save({&record, 1}, {}, At(0)).ok());
  }
  RawSql(StatePath(dir), "UPDATE meters SET combined_code = 2;");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->Load("5");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("combined_code"), std::string::npos);
  EXPECT_NE(loaded.status().message().find(StatePath(dir)), std::string::npos);
  // residue_active_forward_l2_uj, the second double of the counters (docs/formats/state.md):
  // bytes 349..356 (1-based) = 4000.5 as a little-endian binary64.
  RawSql(StatePath(dir),
         "UPDATE meters SET combined_code = 10, counters = CAST(substr(counters, 1, 348) || "
         "X'000000000041AF40' || substr(counters, 357) AS BLOB);");
  loaded = (*store)->Load("5");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("residues_uj"), std::string::npos)
      << loaded.status().message();
}

TEST(StateStore, CrashKeepsTheLastCommittedSave) {
  const std::string dir = testing::MakeTempDir("store-crash");
  const MeterState first = NonTrivialState(1);
  const MeterState second = NonTrivialState(2);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto store = StateStore::Open(dir);
    if (!store.ok()) ::_exit(1);
    const MeterRecord a{"7", first};
    const MeterRecord b{"7", second};
    if (!(*store)->Save({&a, 1}, {}, At(1)).ok()) ::_exit(2);
    if (!(*store)->Save({&b, 1}, {}, At(2)).ok()) ::_exit(3);
    ::_exit(0);  // no destructor, no checkpoint: the WAL holds the saves
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(std::filesystem::exists(StatePath(dir) + "-wal"));
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto loaded = (*store)->Load("7");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, second);
}

// The first migration step still creates the version-1 tables (a new store goes through it on
// its way to the current version).
TEST(StateStore, SchemaVersionOneColumnsAreFrozen) {
  const std::string dir = testing::MakeTempDir("store-columns");
  RawSql(StatePath(dir), MigrationSql(0));
  std::string columns;
  for (const std::string& c : ColumnsOf(StatePath(dir), "meters")) {
    columns += c.substr(0, c.rfind(':')) + " ";
  }
  EXPECT_EQ(columns, kFrozenColumnsV1);
  EXPECT_EQ(MigrationSql(1), kFrozenDeviceSettingsV2);
}

TEST(StateStore, SchemaVersionTwoDeviceSettingsColumnsAreFrozen) {
  const std::string dir = testing::MakeTempDir("store-columns-v2");
  ASSERT_TRUE(StateStore::Open(dir).ok());
  const std::vector<std::string> expected = {"meter_key:TEXT:1", "name:TEXT:2", "value:INTEGER:0"};
  EXPECT_EQ(ColumnsOf(StatePath(dir), "device_settings"), expected);
}

const std::vector<NamedSetting> kSettings = {
    {"baud_rate", 2400}, {"lcd_cycle_time_s", 30}, {"modbus_id", 7}, {"parity", 3}};

TEST(StateStore, DeviceSettingsRoundTripAndAreReplacedAsAWhole) {
  const std::string dir = testing::MakeTempDir("store-settings");
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok());
    const std::vector<MeterRecord> records = {{"22091039", NonTrivialState(1), kSettings},
                                              {"22091040", NonTrivialState(2), std::nullopt}};
    ASSERT_TRUE((*store)->Save(records, {}, At(1)).ok());
  }
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  auto loaded = (*store)->LoadDeviceSettings("22091039");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(*loaded, kSettings);  // in name order, values exact
  auto none = (*store)->LoadDeviceSettings("22091040");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  // A record without settings keeps the saved ones; a list replaces them all.
  const MeterRecord keep{"22091039", NonTrivialState(3)};
  ASSERT_TRUE((*store)->Save({&keep, 1}, {}, At(2)).ok());
  EXPECT_EQ(*(*store)->LoadDeviceSettings("22091039"), kSettings);
  const std::vector<NamedSetting> fewer = {{"modbus_id", 8}, {"x", -9'000'000'000'000}};
  const MeterRecord replace{"22091039", NonTrivialState(3), fewer};
  ASSERT_TRUE((*store)->Save({&replace, 1}, {}, At(3)).ok());
  EXPECT_EQ(*(*store)->LoadDeviceSettings("22091039"), fewer);
  const MeterRecord clear{"22091039", NonTrivialState(3), std::vector<NamedSetting>{}};
  ASSERT_TRUE((*store)->Save({&clear, 1}, {}, At(4)).ok());
  EXPECT_TRUE((*store)->LoadDeviceSettings("22091039")->empty());
}

TEST(StateStore, ASettingNamedTwiceIsRefusedAndNothingIsWritten) {
  const std::string dir = testing::MakeTempDir("store-settings-twice");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  const std::vector<MeterRecord> records = {
      {"00000001", NonTrivialState(1), kSettings},
      {"00000002", NonTrivialState(2), std::vector<NamedSetting>{{"parity", 1}, {"parity", 2}}}};
  const Status refused = (*store)->Save(records, {}, At(1));
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.message(), "not saving meter 00000002: device setting parity is given twice");
  EXPECT_FALSE((*store)->Load("00000001")->has_value());
  EXPECT_TRUE((*store)->LoadDeviceSettings("00000001")->empty());
}

// The streaming Save (records made one at a time, as PeriodicSaver makes them in one scratch
// record): every record is written as given, and one refused in the middle of the stream rolls the
// whole save back, the rows written before it and the events included.
TEST(StateStore, AStreamedSaveWritesEachRecordOrNothing) {
  const std::string dir = testing::MakeTempDir("store-streamed");
  auto store = StateStore::Open(dir);
  ASSERT_TRUE(store.ok());
  MeterRecord scratch;
  size_t calls = 0;
  const auto record_at = [&](int shift, int bad_index) {
    return [&, shift, bad_index](size_t i) -> const MeterRecord& {
      EXPECT_EQ(i, calls++);  // once each, in order
      scratch.key = std::to_string(40000000 + i);
      scratch.state = NonTrivialState(static_cast<int>(i) + shift);
      if (static_cast<int>(i) == bad_index) scratch.state.day_counter_uwh = -1;
      scratch.device_settings.reset();
      if (i % 2 == 0) {
        scratch.device_settings =
            shift == 0 ? kSettings : std::vector<NamedSetting>{{"display_time", shift}};
      }
      return scratch;
    };
  };
  const Event up{At(1), At(2), "40000000", EventKind::kPowerUp, "app", "", "start"};
  ASSERT_TRUE((*store)->Save(50, record_at(0, -1), {&up, 1}, At(1)).ok());
  EXPECT_EQ(calls, 50u);
  calls = 0;
  const Status refused = (*store)->Save(50, record_at(100, 37), {&up, 1}, At(2));
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.message().find("not saving meter 40000037"), std::string::npos)
      << refused.message();
  EXPECT_EQ(calls, 38u);  // stopped at the refused record
  for (int i = 0; i < 50; ++i) {
    const std::string key = std::to_string(40000000 + i);
    auto loaded = (*store)->Load(key);
    ASSERT_TRUE(loaded.ok() && loaded->has_value()) << key;
    EXPECT_EQ(**loaded, NonTrivialState(i)) << key;  // the first save's, also before index 37
    EXPECT_EQ(*(*store)->LoadDeviceSettings(key),
              i % 2 == 0 ? kSettings : std::vector<NamedSetting>{})
        << key;
  }
  EXPECT_EQ((*store)->ReadEvents()->size(), 1u);
  calls = 0;
  ASSERT_TRUE((*store)->Save(50, record_at(100, -1), {}, At(3)).ok());
  EXPECT_EQ(**(*store)->Load("40000049"), NonTrivialState(149));
}

std::vector<MeterRecord> VersionOneMeters() {
  return {{"22091039", NonTrivialState(1)}, {"22091040", NonTrivialState(2)}};
}

std::vector<Event> VersionOneEvents() {
  return {{At(10), At(11), "22091039", EventKind::kPowerUp, "app", "", "new meter"},
          {At(12), At(13), "22091040", EventKind::kSettingChange, "cli", "", "tariff: 1 -> 2"},
          {At(14), At(15), "22091039", EventKind::kPowerDown, "app", "", "stopped"}};
}

TEST(StateStore, AVersionOneFileIsMigratedKeepingItsMetersAndEvents) {
  const std::string dir = testing::MakeTempDir("store-v1");
  WriteVersionOneStore(dir, VersionOneMeters(), VersionOneEvents());
  ASSERT_EQ(UserVersion(StatePath(dir)), 1);
  {
    auto store = StateStore::Open(dir);
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->schema_version(), kSchemaVersion);
    for (const MeterRecord& m : VersionOneMeters()) {
      auto loaded = (*store)->Load(m.key);
      ASSERT_TRUE(loaded.ok() && loaded->has_value()) << m.key;
      EXPECT_EQ(**loaded, m.state) << m.key;
      auto settings = (*store)->LoadDeviceSettings(m.key);
      ASSERT_TRUE(settings.ok()) << settings.status().message();
      EXPECT_TRUE(settings->empty()) << "version 1 saved no device settings";
    }
    auto events = (*store)->ReadEvents();
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), VersionOneEvents().size());
    for (size_t i = 0; i < events->size(); ++i) {
      EXPECT_EQ((*events)[i].event, VersionOneEvents()[i]) << i;
    }
    // The migrated store takes settings, and appends to the old log after its last id.
    const MeterRecord record{"22091039", NonTrivialState(5), kSettings};
    const Event up{At(20), At(21), "22091039", EventKind::kPowerUp, "app", "", "resumed"};
    ASSERT_TRUE((*store)->Save({&record, 1}, {&up, 1}, At(20)).ok());
    EXPECT_EQ(*(*store)->LoadDeviceSettings("22091039"), kSettings);
    EXPECT_EQ((*store)->ReadEvents()->back().id, 4);
  }
  EXPECT_EQ(UserVersion(StatePath(dir)), kSchemaVersion);
  auto reopened = StateStore::Open(dir);  // a migrated file opens as it is
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(*(*reopened)->LoadDeviceSettings("22091039"), kSettings);
  EXPECT_EQ(**(*reopened)->Load("22091040"), NonTrivialState(2));
}

TEST(StateStore, AVersionOneFileIsReadReadOnlyWithoutMigrating) {
  const std::string dir = testing::MakeTempDir("store-v1-read");
  WriteVersionOneStore(dir, VersionOneMeters(), VersionOneEvents());
  {
    auto store = StateStore::Open(dir, {.read_only = true});
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ((*store)->schema_version(), 1);
    EXPECT_EQ(*(*store)->Keys(), (std::vector<std::string>{"22091039", "22091040"}));
    EXPECT_EQ(**(*store)->Load("22091040"), NonTrivialState(2));
    auto settings = (*store)->LoadDeviceSettings("22091039");
    ASSERT_TRUE(settings.ok()) << settings.status().message();
    EXPECT_TRUE(settings->empty());
    EXPECT_EQ((*store)->ReadEvents()->size(), 3u);
  }
  EXPECT_EQ(UserVersion(StatePath(dir)), 1);
  EXPECT_TRUE(ColumnsOf(StatePath(dir), "device_settings").empty());
}

}  // namespace
}  // namespace pro380::storage
