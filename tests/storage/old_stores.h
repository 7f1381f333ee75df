// Store files as older pro380 versions wrote them, built from their frozen schemas, for the tests
// of the migrations (docs/formats/state.md, "Versions and migrations"), and raw SQLite access.
#ifndef PRO380_TESTS_STORAGE_OLD_STORES_H_
#define PRO380_TESTS_STORAGE_OLD_STORES_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <variant>
#include <vector>

#include "storage/state_fields.h"
#include "storage/state_store.h"

namespace pro380::storage {

// The `meters` columns of schema version 1 (name:type). DO NOT CHANGE: this is the frozen format.
inline constexpr const char* kFrozenColumnsV1 =
    "key:TEXT saved_wall_time_ns:INTEGER meter_time_ns:INTEGER ct_variant:INTEGER "
    "ct_ratio:INTEGER ct_locked:INTEGER wiring:TEXT combined_code:INTEGER "
    "s0_uwh_per_pulse:INTEGER tariff:INTEGER day_counter_uwh:INTEGER power_down_count:INTEGER "
    "s0_forward_pulses:INTEGER s0_forward_residue_uwh:INTEGER s0_reverse_pulses:INTEGER "
    "s0_reverse_residue_uwh:INTEGER led_active_pulses:INTEGER led_active_residue_uwh:INTEGER "
    "led_reactive_pulses:INTEGER led_reactive_residue_uwh:INTEGER "
    "active_forward_l1_t1_uwh:INTEGER active_forward_l1_t2_uwh:INTEGER "
    "active_forward_l2_t1_uwh:INTEGER active_forward_l2_t2_uwh:INTEGER "
    "active_forward_l3_t1_uwh:INTEGER active_forward_l3_t2_uwh:INTEGER "
    "active_forward_total_t1_uwh:INTEGER active_forward_total_t2_uwh:INTEGER "
    "active_reverse_l1_t1_uwh:INTEGER active_reverse_l1_t2_uwh:INTEGER "
    "active_reverse_l2_t1_uwh:INTEGER active_reverse_l2_t2_uwh:INTEGER "
    "active_reverse_l3_t1_uwh:INTEGER active_reverse_l3_t2_uwh:INTEGER "
    "active_reverse_total_t1_uwh:INTEGER active_reverse_total_t2_uwh:INTEGER "
    "reactive_forward_l1_t1_uvarh:INTEGER reactive_forward_l1_t2_uvarh:INTEGER "
    "reactive_forward_l2_t1_uvarh:INTEGER reactive_forward_l2_t2_uvarh:INTEGER "
    "reactive_forward_l3_t1_uvarh:INTEGER reactive_forward_l3_t2_uvarh:INTEGER "
    "reactive_forward_total_t1_uvarh:INTEGER reactive_forward_total_t2_uvarh:INTEGER "
    "reactive_reverse_l1_t1_uvarh:INTEGER reactive_reverse_l1_t2_uvarh:INTEGER "
    "reactive_reverse_l2_t1_uvarh:INTEGER reactive_reverse_l2_t2_uvarh:INTEGER "
    "reactive_reverse_l3_t1_uvarh:INTEGER reactive_reverse_l3_t2_uvarh:INTEGER "
    "reactive_reverse_total_t1_uvarh:INTEGER reactive_reverse_total_t2_uvarh:INTEGER "
    "residue_active_forward_l1_uj:REAL residue_active_forward_l2_uj:REAL "
    "residue_active_forward_l3_uj:REAL residue_active_forward_net_uj:REAL "
    "residue_reactive_forward_l1_uj:REAL residue_reactive_forward_l2_uj:REAL "
    "residue_reactive_forward_l3_uj:REAL residue_reactive_forward_net_uj:REAL "
    "residue_active_reverse_l1_uj:REAL residue_active_reverse_l2_uj:REAL "
    "residue_active_reverse_l3_uj:REAL residue_active_reverse_net_uj:REAL "
    "residue_reactive_reverse_l1_uj:REAL residue_reactive_reverse_l2_uj:REAL "
    "residue_reactive_reverse_l3_uj:REAL residue_reactive_reverse_net_uj:REAL ";

inline std::string StatePath(const std::string& dir) { return dir + "/state.sqlite"; }

// Runs SQL on a file directly, as another program would.
inline void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

inline std::vector<std::string> ColumnsOf(const std::string& path, const std::string& table) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(
                db, ("SELECT name, type, pk FROM pragma_table_info('" + table + "')").c_str(), -1,
                &stmt, nullptr),
            SQLITE_OK);
  std::vector<std::string> columns;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    columns.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) +
                      ":" + reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)) + ":" +
                      std::to_string(sqlite3_column_int(stmt, 2)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return columns;
}

// A store as schema version 1 wrote it: its DDL (state_store.cc, SchemaV1, frozen), built here
// from the frozen column list, WAL mode, and rows written as version 1 wrote them.
inline void WriteVersionOneStore(const std::string& dir, const std::vector<MeterRecord>& meters,
                                 const std::vector<Event>& events) {
  std::string ddl = "CREATE TABLE meters (";
  std::string columns = kFrozenColumnsV1;
  bool first = true;
  for (size_t at = 0; at < columns.size();) {
    const size_t end = columns.find(' ', at);
    const std::string column = columns.substr(at, end - at);
    at = end + 1;
    const size_t colon = column.find(':');
    const std::string name = column.substr(0, colon);
    ddl += (first ? "" : ", ") + name + " " + column.substr(colon + 1) + " NOT NULL" +
           (name == "key" ? " PRIMARY KEY" : "");
    first = false;
  }
  ddl +=
      ") STRICT;"
      "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, wall_time_ns INTEGER NOT NULL, "
      "meter_time_ns INTEGER NOT NULL, meter_key TEXT NOT NULL, kind TEXT NOT NULL, "
      "interface TEXT NOT NULL, client TEXT NOT NULL, detail TEXT NOT NULL) STRICT;"
      "CREATE INDEX events_by_meter ON events (meter_key, id);"
      "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
      "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
      "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
      "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";
  RawSql(StatePath(dir), "PRAGMA journal_mode=WAL; BEGIN;" + ddl +
                             "PRAGMA application_id=1345534000; PRAGMA user_version=1; COMMIT;");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(StatePath(dir).c_str(), &db), SQLITE_OK);
  for (const MeterRecord& m : meters) {
    const std::vector<StateField> fields = EncodeMeterState(m.state);
    std::string names = "key, saved_wall_time_ns";
    std::string values = "?, 1800000000000000000";
    for (const StateField& f : fields) {
      names += ", " + f.name;
      values += ", ?";
    }
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(
                  db, ("INSERT INTO meters (" + names + ") VALUES (" + values + ")").c_str(), -1,
                  &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_bind_text(stmt, 1, m.key.c_str(), -1, SQLITE_TRANSIENT);
    int i = 1;
    for (const StateField& f : fields) {
      if (const auto* n = std::get_if<int64_t>(&f.value)) sqlite3_bind_int64(stmt, ++i, *n);
      if (const auto* d = std::get_if<double>(&f.value)) sqlite3_bind_double(stmt, ++i, *d);
      if (const auto* t = std::get_if<std::string>(&f.value)) {
        sqlite3_bind_text(stmt, ++i, t->c_str(), -1, SQLITE_TRANSIENT);
      }
    }
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
  }
  for (const Event& e : events) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db,
                                 "INSERT INTO events (wall_time_ns, meter_time_ns, meter_key, "
                                 "kind, interface, client, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                 -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_int64(stmt, 1, e.wall_time.time_since_epoch().count());
    sqlite3_bind_int64(stmt, 2, e.meter_time.time_since_epoch().count());
    sqlite3_bind_text(stmt, 3, e.meter_key.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, std::string(EventKindName(e.kind)).c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 5, e.interface.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 6, e.client.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 7, e.detail.c_str(), -1, SQLITE_TRANSIENT);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
}

// The table schema version 2 added (state_store.cc, SchemaV2, frozen).
inline constexpr const char* kFrozenDeviceSettingsV2 =
    "CREATE TABLE device_settings (meter_key TEXT NOT NULL, name TEXT NOT NULL, "
    "value INTEGER NOT NULL, PRIMARY KEY (meter_key, name)) STRICT, WITHOUT ROWID;";

// A store as schema version 2 wrote it: version 1's tables and rows, the device_settings table
// with the settings of the records that carry them, user_version 2.
inline void WriteVersionTwoStore(const std::string& dir, const std::vector<MeterRecord>& meters,
                                 const std::vector<Event>& events) {
  WriteVersionOneStore(dir, meters, events);
  std::string sql = std::string("BEGIN;") + kFrozenDeviceSettingsV2;
  for (const MeterRecord& m : meters) {
    for (const NamedSetting& setting : m.device_settings.value_or(std::vector<NamedSetting>{})) {
      sql += "INSERT INTO device_settings VALUES ('" + m.key + "', '" + setting.name + "', " +
             std::to_string(setting.value) + ");";
    }
  }
  RawSql(StatePath(dir), sql + "PRAGMA user_version=2; COMMIT;");
}

inline int UserVersion(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const int version = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return version;
}

}  // namespace pro380::storage

#endif  // PRO380_TESTS_STORAGE_OLD_STORES_H_
