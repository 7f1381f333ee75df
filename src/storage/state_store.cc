#include "storage/state_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "metering/s0_rate.h"
#include "storage/state_columns.h"
#include "storage/state_counters.h"
#include "storage/state_fields.h"

namespace pro380::storage {
namespace {

using metering::MeterState;

constexpr std::array<std::string_view, 7> kEventKindNames = {
    "power_up", "power_down", "setting_change", "reset", "lock", "error", "time_jump"};

int64_t Nanoseconds(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint FromNanoseconds(int64_t ns) { return TimePoint(Duration(ns)); }

struct ColumnSpec {
  std::string name;
  const char* type;
};

std::vector<ColumnSpec> MeterColumns() {
  std::vector<ColumnSpec> columns;
  for (std::string_view name : kHeadColumns) {
    const bool text = name == "key" || name == "wiring";
    columns.push_back({std::string(name), text ? "TEXT" : "INTEGER"});
  }
  MeterState probe;
  ForEachNumber(probe, [&](const auto& name, auto& value) {
    using T = std::remove_cvref_t<decltype(value)>;
    columns.push_back({name(), std::is_same_v<T, double> ? "REAL" : "INTEGER"});
  });
  return columns;
}

// Schema version 1. DO NOT CHANGE: a new schema is a new version with its own migration.
std::string SchemaV1() {
  std::string sql = "CREATE TABLE meters (";
  bool first = true;
  for (const ColumnSpec& c : MeterColumns()) {
    if (!first) sql += ", ";
    first = false;
    sql += c.name + " " + c.type + " NOT NULL";
    if (c.name == "key") sql += " PRIMARY KEY";
  }
  sql += ") STRICT;";
  sql +=
      "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, wall_time_ns INTEGER NOT NULL, "
      "meter_time_ns INTEGER NOT NULL, meter_key TEXT NOT NULL, kind TEXT NOT NULL, "
      "interface TEXT NOT NULL, client TEXT NOT NULL, detail TEXT NOT NULL) STRICT;"
      "CREATE INDEX events_by_meter ON events (meter_key, id);"
      "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
      "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
      "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
      "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";
  return sql;
}

// Schema version 2: each meter's device settings as named integers, replaced as a whole per
// meter by a save that carries them. A version-1 file gains the empty table: its meters have no
// saved settings, which their reader takes as the defaults (what they ran with under version 1).
// DO NOT CHANGE: a new schema is a new version with its own migration.
std::string SchemaV2() {
  return "CREATE TABLE device_settings (meter_key TEXT NOT NULL, name TEXT NOT NULL, "
         "value INTEGER NOT NULL, PRIMARY KEY (meter_key, name)) STRICT, WITHOUT ROWID;";
}

// The columns of `meters` from schema version 3 on: the key, the save time and the settings as
// before, and every number of ForEachNumber in one BLOB (state_counters.h).
constexpr std::string_view kCountersColumn = "counters";
std::vector<ColumnSpec> MeterColumnsV3() {
  std::vector<ColumnSpec> columns;
  for (std::string_view name : kHeadColumns) {
    const bool text = name == "key" || name == "wiring";
    columns.push_back({std::string(name), text ? "TEXT" : "INTEGER"});
  }
  columns.push_back({std::string(kCountersColumn), "BLOB"});
  return columns;
}

// The SQL function the migration to version 3 packs a version-2 row's numbers with:
// pro380_counters_v1(the 58 number columns in ForEachNumber order) = their layout-1 BLOB.
constexpr const char* kPackFunction = "pro380_counters_v1";
void PackCountersFunction(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (argc != static_cast<int>(kCounterIntegers + kCounterReals)) {
    sqlite3_result_error(context, "pro380_counters_v1: wrong number of arguments", -1);
    return;
  }
  std::array<int64_t, kCounterIntegers> integers{};
  std::array<double, kCounterReals> reals{};
  for (size_t i = 0; i < kCounterIntegers; ++i) integers[i] = sqlite3_value_int64(argv[i]);
  for (size_t i = 0; i < kCounterReals; ++i) {
    reals[i] = sqlite3_value_double(argv[kCounterIntegers + i]);
  }
  CountersBlob blob;
  PackCounters(integers, reals, blob);
  sqlite3_result_blob(context, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
}

// Schema version 3: the `meters` table rebuilt with the numbers of each row packed into one BLOB
// (`counters`, layout 1 of state_counters.h), so that a save binds 11 values a meter instead of
// 68 (docs/performance.md, "The fleet"). Every value of a version-2 row is carried over as it is
// stored (the residues bit for bit); the events and device settings are untouched. Runs with
// pro380_counters_v1 registered on the connection. DO NOT CHANGE: a new schema is a new version
// with its own migration.
std::string SchemaV3() {
  std::string create = "CREATE TABLE meters_v3 (";
  std::string head;
  for (const ColumnSpec& c : MeterColumnsV3()) {
    create += (c.name == "key" ? "" : ", ") + c.name + " " + c.type + " NOT NULL" +
              (c.name == "key" ? " PRIMARY KEY" : "");
    if (c.name != kCountersColumn) head += (head.empty() ? "" : ", ") + c.name;
  }
  create += ") STRICT;";
  std::string numbers;
  MeterState probe;
  ForEachNumber(probe, [&](const auto& name, const auto&) {
    numbers += (numbers.empty() ? "" : ", ") + name();
  });
  return create + "INSERT INTO meters_v3 SELECT " + head + ", " + kPackFunction + "(" + numbers +
         ") FROM meters;DROP TABLE meters;ALTER TABLE meters_v3 RENAME TO meters;";
}

// kMigrations[v] turns schema version v into v + 1; it runs in the transaction that also sets
// user_version. Version 0 is a store with no tables (a new file). To change the schema, append a
// step (ALTER TABLE …, with defaults that keep the old meaning, or a rebuilt table that carries
// every value over), raise kSchemaVersion, document the new version in docs/formats/state.md and
// add a test that migrates a file of the old one.
using Migration = std::string (*)();
constexpr std::array<Migration, kSchemaVersion> kMigrations = {&SchemaV1, &SchemaV2, &SchemaV3};

// The first schema version whose `meters` rows hold the counters BLOB.
constexpr int kFirstCountersVersion = 3;

// The first schema version a read-only store can be read from without migrating it: version 1
// has every table but device_settings, whose absence reads as "no settings saved".
constexpr int64_t kFirstReadableVersion = 1;

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string Refusal(const std::string& path, const std::string& why) {
  return "state file " + path + " " + why +
         "; refusing to start (nothing was changed; move the file away to begin a new store, or "
         "use another --state directory)";
}

// Takes the exclusive lock of a state directory; returns the open lock file (kept for the store's
// lifetime) with this process's PID written in it, for the message a second process shows.
Result<int> LockStateDir(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / kLockFileName).string();
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::IoError("state directory " + dir + ": cannot open " + path + ": " +
                           std::strerror(errno));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    char holder[32] = {};
    const ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
    close(fd);
    if (error == EWOULDBLOCK) {
      std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return Status::FailedPrecondition(
          "state directory " + dir + " is in use by another pro380 process" +
          (pid.empty() ? "" : " (pid " + pid + ")") +
          "; stop it first, or give this meter another --state directory");
    }
    return Status::IoError("state directory " + dir + ": cannot lock " + path + ": " +
                           std::strerror(error));
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    // The PID is only for the message of a second process; the lock itself is held.
  }
  return fd;
}

}  // namespace

std::string_view EventKindName(EventKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kEventKindNames.size() ? kEventKindNames[i] : "unknown";
}

std::optional<EventKind> EventKindFromName(std::string_view name) {
  for (std::size_t i = 0; i < kEventKindNames.size(); ++i) {
    if (kEventKindNames[i] == name) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

std::string MigrationSql(int from) { return kMigrations.at(static_cast<size_t>(from))(); }

Result<std::string> DefaultStateDir(const char* xdg_state_home, const char* home) {
  // XDG Base Directory spec: a relative $XDG_STATE_HOME is invalid and is ignored.
  if (xdg_state_home != nullptr && xdg_state_home[0] == '/') {
    return std::string(xdg_state_home) + "/pro380";
  }
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.local/state/pro380";
  return Status::InvalidArgument(
      "--state is needed: neither XDG_STATE_HOME nor HOME is set, so there is no default state "
      "directory");
}

Status StateStore::Error(std::string_view what) const {
  return Status::IoError("state file " + path_ + ": " + std::string(what) + ": " +
                         sqlite3_errmsg(db_));
}

Status StateStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Status st = Status::IoError("state file " + path_ + ": " +
                                (message != nullptr ? message : "unknown error"));
    sqlite3_free(message);
    return st;
  }
  return Status::Ok();
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& dir,
                                                     const OpenOptions& options) {
  const std::string path = (std::filesystem::path(dir) / kStateFileName).string();
  int lock_fd = -1;
  if (options.read_only) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Status::NotFound("state file " + path + " does not exist");
    }
  } else {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Status::IoError("state directory " + dir + ": cannot create it: " + ec.message());
    }
    auto lock = LockStateDir(dir);
    if (!lock.ok()) return lock.status();
    lock_fd = *lock;
  }
  sqlite3* db = nullptr;
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) |
      // One thread owns a store (its contract): SQLite's per-call connection mutex only cost
      // time, two lock/unlock pairs per bound value of a 10,000-meter save.
      SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(path.c_str(), &db, flags, options.vfs);
  std::unique_ptr<StateStore> store(new StateStore(db, path, lock_fd));
  if (opened != SQLITE_OK) return store->Error("cannot open it");
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 2000);

  // Reads one integer; a file that is not SQLite fails here (SQLITE_NOTADB) before anything is
  // written to it.
  const auto query_int = [&](const char* sql) -> Result<int64_t> {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    Statement stmt(raw);
    const int step = rc == SQLITE_OK ? sqlite3_step(raw) : rc;
    if (step == SQLITE_ROW) return sqlite3_column_int64(raw, 0);
    const int primary = step & 0xff;
    if (primary == SQLITE_NOTADB) {
      return Status::FailedPrecondition(Refusal(path, "is not a pro380 state file (not SQLite)"));
    }
    if (primary == SQLITE_CORRUPT) {
      return Status::FailedPrecondition(
          Refusal(path, std::string("is damaged (") + sqlite3_errmsg(db) + ")"));
    }
    return store->Error(sql);
  };

  auto application_id = query_int("PRAGMA application_id");
  if (!application_id.ok()) return application_id.status();
  auto version = query_int("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto objects = query_int("SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) return objects.status();

  {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &raw, nullptr);
    Statement check(raw);
    std::string findings;
    int rc = SQLITE_ERROR;
    while (raw != nullptr && (rc = sqlite3_step(raw)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
      const std::string line = text != nullptr ? text : "";
      if (line != "ok" && findings.size() < 300) findings += (findings.empty() ? "" : "; ") + line;
    }
    if (rc != SQLITE_DONE)
      findings += (findings.empty() ? "" : "; ") + std::string(sqlite3_errmsg(db));
    if (!findings.empty()) {
      return Status::FailedPrecondition(
          Refusal(path, "is damaged (quick_check: " + findings + ")"));
    }
  }

  const bool ours = *application_id == kApplicationId;
  if (!ours && (*application_id != 0 || *objects != 0)) {
    char id[16];
    std::snprintf(id, sizeof id, "0x%08x", static_cast<unsigned>(*application_id));
    return Status::FailedPrecondition(
        Refusal(path, std::string("is an SQLite file of another program (application_id ") + id +
                          ", a pro380 store has 0x50333830)"));
  }
  if (*version > kSchemaVersion) {
    return Status::FailedPrecondition(
        Refusal(path, "has schema version " + std::to_string(*version) + ", newer than version " +
                          std::to_string(kSchemaVersion) +
                          " that this pro380 understands (use a newer "
                          "pro380)"));
  }

  store->schema_version_ = static_cast<int>(*version);
  if (options.read_only) {
    if (*version < kFirstReadableVersion) {
      return Status::FailedPrecondition("state file " + path + " has schema version " +
                                        std::to_string(*version) +
                                        "; it is migrated by the next `pro380 run` on it");
    }
    return store;
  }

  // WAL: a save appends to the log and never rewrites pages in place, so a crash mid-save leaves
  // the previous save intact. synchronous=FULL syncs the log at every commit: a save that has
  // returned survives a power loss of the host (NORMAL could lose the last saves, and with them
  // a power-down count increment). One fsync per save interval is cheap.
  auto mode = [&]() -> Result<std::string> {
    sqlite3_stmt* raw = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &raw, nullptr);
    Statement stmt(raw);
    if (raw == nullptr || sqlite3_step(raw) != SQLITE_ROW) return store->Error("journal_mode");
    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)));
  }();
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") return store->Error("cannot switch to WAL (journal_mode " + *mode + ")");
  if (Status st = store->Exec("PRAGMA synchronous=FULL"); !st.ok()) return st;

  if (*version < kSchemaVersion &&
      sqlite3_create_function_v2(db, kPackFunction, kCounterIntegers + kCounterReals,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, &PackCountersFunction,
                                 nullptr, nullptr, nullptr) != SQLITE_OK) {
    return store->Error("registering the migration's functions");
  }
  for (int64_t v = *version; v < kSchemaVersion; ++v) {
    const std::string sql = "BEGIN IMMEDIATE;" + kMigrations[v]() +
                            "PRAGMA application_id=" + std::to_string(kApplicationId) +
                            ";PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (Status st = store->Exec(sql.c_str()); !st.ok()) {
      store->Exec("ROLLBACK");
      return st.WithContext("migrating schema version " + std::to_string(v) + " to " +
                            std::to_string(v + 1));
    }
    store->schema_version_ = static_cast<int>(v + 1);
  }

  // A saved meter's row is updated in place (same rowid, the key's index untouched); a meter new
  // to the store is inserted. INSERT OR REPLACE deleted and appended every row at every save.
  // Both statements take the columns as parameters ?1.. in MeterColumns order (?1 the key).
  std::string insert = "INSERT INTO meters (";
  std::string values;
  std::string update = "UPDATE meters SET ";
  int parameter = 0;
  for (const ColumnSpec& c : MeterColumnsV3()) {
    insert += (values.empty() ? "" : ", ") + c.name;
    values += values.empty() ? "?" : ", ?";
    ++parameter;
    if (c.name == "key") continue;
    update += (parameter > 2 ? ", " : "") + c.name + " = ?" + std::to_string(parameter);
  }
  insert += ") VALUES (" + values + ")";
  update += " WHERE key = ?1";
  if (sqlite3_prepare_v3(db, update.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &store->update_meter_,
                         nullptr) != SQLITE_OK) {
    return store->Error("preparing the meter save");
  }
  if (sqlite3_prepare_v3(db, insert.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &store->save_meter_,
                         nullptr) != SQLITE_OK) {
    return store->Error("preparing the meter save");
  }
  if (sqlite3_prepare_v3(db,
                         "INSERT INTO events (wall_time_ns, meter_time_ns, meter_key, kind, "
                         "interface, client, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
                         -1, SQLITE_PREPARE_PERSISTENT, &store->append_event_,
                         nullptr) != SQLITE_OK) {
    return store->Error("preparing the event log");
  }
  if (sqlite3_prepare_v3(db, "DELETE FROM device_settings WHERE meter_key = ?", -1,
                         SQLITE_PREPARE_PERSISTENT, &store->clear_settings_,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(
          db, "INSERT INTO device_settings (meter_key, name, value) VALUES (?, ?, ?)", -1,
          SQLITE_PREPARE_PERSISTENT, &store->save_setting_, nullptr) != SQLITE_OK) {
    return store->Error("preparing the device settings save");
  }
  return store;
}

StateStore::~StateStore() {
  sqlite3_finalize(save_meter_);
  sqlite3_finalize(update_meter_);
  sqlite3_finalize(append_event_);
  sqlite3_finalize(clear_settings_);
  sqlite3_finalize(save_setting_);
  sqlite3_close_v2(db_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the flock
}

namespace {

// Binds a meter's row to `s`, whose parameters ?1.. are the columns in MeterColumnsV3 order, with
// `counters` the meter's numbers (EncodeCounters). Text and BLOB are bound without a copy: `m`
// and `counters` outlive the statement's step.
bool BindMeterRow(sqlite3_stmt* s, const MeterRecord& m, const CountersBlob& counters,
                  TimePoint wall_time) {
  const metering::MeterConfig& c = m.state.config;
  int i = 0;
  int rc = SQLITE_OK;
  rc |= sqlite3_bind_text(s, ++i, m.key.data(), static_cast<int>(m.key.size()), SQLITE_STATIC);
  rc |= sqlite3_bind_int64(s, ++i, Nanoseconds(wall_time));
  rc |= sqlite3_bind_int64(s, ++i, Nanoseconds(c.start));
  rc |= sqlite3_bind_int64(s, ++i, c.ct_variant ? 1 : 0);
  rc |= sqlite3_bind_int64(s, ++i, c.ct_ratio);
  rc |= sqlite3_bind_int64(s, ++i, c.ct_locked ? 1 : 0);
  const std::string_view wiring = metering::WiringName(c.wiring);
  rc |= sqlite3_bind_text(s, ++i, wiring.data(), static_cast<int>(wiring.size()), SQLITE_STATIC);
  rc |= sqlite3_bind_int64(s, ++i, static_cast<int>(c.combined_code));
  rc |= sqlite3_bind_int64(s, ++i, c.s0_rate.uwh_per_pulse);
  rc |= sqlite3_bind_int64(s, ++i, c.tariff == metering::Tariff::kT2 ? 2 : 1);
  rc |=
      sqlite3_bind_blob(s, ++i, counters.data(), static_cast<int>(counters.size()), SQLITE_STATIC);
  return rc == SQLITE_OK;
}

// A record Save refuses: InvalidArgument naming the meter, else Ok.
Status CheckRecord(const MeterRecord& m) {
  if (Status st = metering::ValidateMeterState(m.state); !st.ok()) {
    return st.WithContext("not saving meter " + m.key);
  }
  if (!m.device_settings) return Status::Ok();
  for (size_t i = 0; i < m.device_settings->size(); ++i) {
    const std::string& name = (*m.device_settings)[i].name;
    if (name.empty()) {
      return Status::InvalidArgument("not saving meter " + m.key +
                                     ": a device setting has no name");
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*m.device_settings)[j].name == name) {
        return Status::InvalidArgument("not saving meter " + m.key + ": device setting " + name +
                                       " is given twice");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status StateStore::Save(std::span<const MeterRecord> meters, std::span<const Event> events,
                        TimePoint wall_time) {
  // Checked before the transaction too, so that a refused batch never touches the file.
  for (const MeterRecord& m : meters) {
    if (Status st = CheckRecord(m); !st.ok()) return st;
  }
  return Save(
      meters.size(), [meters](size_t i) -> const MeterRecord& { return meters[i]; }, events,
      wall_time);
}

Status StateStore::Save(size_t count, const RecordAt& record, std::span<const Event> events,
                        TimePoint wall_time) {
  if (save_meter_ == nullptr) {
    return Status::FailedPrecondition("state file " + path_ + " is open read-only");
  }
  if (Status st = Exec("BEGIN IMMEDIATE"); !st.ok()) return st.WithContext("save");
  const auto reset_all = [this] {
    sqlite3_reset(save_meter_);
    sqlite3_reset(update_meter_);
    sqlite3_reset(append_event_);
    sqlite3_reset(clear_settings_);
    sqlite3_reset(save_setting_);
    Exec("ROLLBACK");
  };
  const auto fail = [this, &reset_all](std::string_view what) {
    Status st = Error(what);
    reset_all();
    return st;
  };
  CountersBlob counters;
  for (size_t index = 0; index < count; ++index) {
    const MeterRecord& m = record(index);
    if (Status st = CheckRecord(m); !st.ok()) {
      reset_all();
      return st;
    }
    EncodeCounters(m.state, counters);
    // The update first: the store has the meter's row at every save but its first.
    if (!BindMeterRow(update_meter_, m, counters, wall_time) ||
        sqlite3_step(update_meter_) != SQLITE_DONE) {
      return fail("saving meter " + m.key);
    }
    sqlite3_reset(update_meter_);
    if (sqlite3_changes(db_) == 0) {
      if (!BindMeterRow(save_meter_, m, counters, wall_time) ||
          sqlite3_step(save_meter_) != SQLITE_DONE) {
        return fail("saving meter " + m.key);
      }
      sqlite3_reset(save_meter_);
    }
    if (!m.device_settings) continue;
    sqlite3_bind_text(clear_settings_, 1, m.key.data(), static_cast<int>(m.key.size()),
                      SQLITE_TRANSIENT);
    if (sqlite3_step(clear_settings_) != SQLITE_DONE) {
      return fail("saving the device settings of meter " + m.key);
    }
    sqlite3_reset(clear_settings_);
    for (const NamedSetting& setting : *m.device_settings) {
      sqlite3_stmt* d = save_setting_;
      sqlite3_bind_text(d, 1, m.key.data(), static_cast<int>(m.key.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(d, 2, setting.name.data(), static_cast<int>(setting.name.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int64(d, 3, setting.value);
      if (sqlite3_step(d) != SQLITE_DONE) {
        return fail("saving the device settings of meter " + m.key);
      }
      sqlite3_reset(d);
    }
  }
  for (const Event& e : events) {
    sqlite3_stmt* s = append_event_;
    const std::string_view kind = EventKindName(e.kind);
    sqlite3_bind_int64(s, 1, Nanoseconds(e.wall_time));
    sqlite3_bind_int64(s, 2, Nanoseconds(e.meter_time));
    sqlite3_bind_text(s, 3, e.meter_key.data(), static_cast<int>(e.meter_key.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, kind.data(), static_cast<int>(kind.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 5, e.interface.data(), static_cast<int>(e.interface.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, e.client.data(), static_cast<int>(e.client.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, e.detail.data(), static_cast<int>(e.detail.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) return fail("appending an event");
    sqlite3_reset(s);
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("committing the save");
  }
  return Status::Ok();
}

Result<std::optional<MeterState>> StateStore::Load(std::string_view key) {
  // A read-only store of version 1 or 2 is read as it is: the numbers in their own columns.
  const bool packed = schema_version_ >= kFirstCountersVersion;
  std::string sql = "SELECT ";
  bool first = true;
  for (const ColumnSpec& c : packed ? MeterColumnsV3() : MeterColumns()) {
    sql += (first ? "" : ", ") + c.name;
    first = false;
  }
  sql += " FROM meters WHERE key = ?";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
    return Error("reading meter " + std::string(key));
  }
  Statement stmt(raw);
  sqlite3_bind_text(raw, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(raw);
  if (rc == SQLITE_DONE) return std::optional<MeterState>();
  if (rc != SQLITE_ROW) return Error("reading meter " + std::string(key));

  // Columns from meter_time_ns on are the state's fields (state_fields.h), by name; the counters
  // BLOB holds the numbers among them.
  std::vector<StateField> fields;
  const int columns = sqlite3_column_count(raw);
  Status counters_problem;
  for (int i = 2; i < columns; ++i) {
    std::string name = sqlite3_column_name(raw, i);
    if (packed && name == kCountersColumn) {
      const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(raw, i));
      const size_t size = static_cast<size_t>(sqlite3_column_bytes(raw, i));
      auto numbers = DecodeCounters({data, data == nullptr ? 0 : size});
      if (!numbers.ok()) {
        counters_problem = numbers.status();
        break;
      }
      fields.insert(fields.end(), std::make_move_iterator(numbers->begin()),
                    std::make_move_iterator(numbers->end()));
      continue;
    }
    switch (sqlite3_column_type(raw, i)) {
      case SQLITE_INTEGER:
        fields.push_back({std::move(name), sqlite3_column_int64(raw, i)});
        break;
      case SQLITE_FLOAT:
        fields.push_back({std::move(name), sqlite3_column_double(raw, i)});
        break;
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
        fields.push_back({std::move(name), std::string(text != nullptr ? text : "")});
      }
    }
  }
  auto s = counters_problem.ok() ? DecodeMeterState(fields) : Result<MeterState>(counters_problem);
  if (!s.ok()) {
    return Status::FailedPrecondition(Refusal(path_, "holds an invalid state for meter " +
                                                         std::string(key) + " (" +
                                                         s.status().message() + ")"));
  }
  return std::optional<MeterState>(std::move(*s));
}

Result<std::vector<NamedSetting>> StateStore::LoadDeviceSettings(std::string_view key) {
  std::vector<NamedSetting> settings;
  if (schema_version_ < 2) return settings;  // version 1 had no device settings
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_,
                         "SELECT name, value FROM device_settings WHERE meter_key = ? "
                         "ORDER BY name",
                         -1, &raw, nullptr) != SQLITE_OK) {
    return Error("reading the device settings of meter " + std::string(key));
  }
  Statement stmt(raw);
  sqlite3_bind_text(raw, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    settings.push_back({name != nullptr ? name : "", sqlite3_column_int64(raw, 1)});
  }
  if (rc != SQLITE_DONE) return Error("reading the device settings of meter " + std::string(key));
  return settings;
}

Result<std::vector<StoredEvent>> StateStore::ReadEvents(std::string_view key) {
  const char* sql =
      key.empty() ? "SELECT id, wall_time_ns, meter_time_ns, meter_key, kind, interface, client, "
                    "detail FROM events ORDER BY id"
                  : "SELECT id, wall_time_ns, meter_time_ns, meter_key, kind, interface, client, "
                    "detail FROM events WHERE meter_key = ? ORDER BY id";
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return Error("reading events");
  }
  Statement stmt(raw);
  if (!key.empty()) {
    sqlite3_bind_text(raw, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT);
  }
  const auto text = [raw](int column) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(raw, column));
    return std::string(p != nullptr ? p : "");
  };
  std::vector<StoredEvent> events;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    StoredEvent e;
    e.id = sqlite3_column_int64(raw, 0);
    e.event.wall_time = FromNanoseconds(sqlite3_column_int64(raw, 1));
    e.event.meter_time = FromNanoseconds(sqlite3_column_int64(raw, 2));
    e.event.meter_key = text(3);
    const auto kind = EventKindFromName(text(4));
    if (!kind) {
      return Status::FailedPrecondition("state file " + path_ + ": event " + std::to_string(e.id) +
                                        " has unknown kind '" + text(4) + "'");
    }
    e.event.kind = *kind;
    e.event.interface = text(5);
    e.event.client = text(6);
    e.event.detail = text(7);
    events.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return Error("reading events");
  return events;
}

Result<std::vector<std::string>> StateStore::Keys() {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT key FROM meters ORDER BY key", -1, &raw, nullptr) !=
      SQLITE_OK) {
    return Error("listing meters");
  }
  Statement stmt(raw);
  std::vector<std::string> keys;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    keys.emplace_back(text != nullptr ? text : "");
  }
  if (rc != SQLITE_DONE) return Error("listing meters");
  return keys;
}

Result<std::vector<std::string>> StateStore::IntegrityFindings() {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA integrity_check", -1, &raw, nullptr) != SQLITE_OK) {
    return Error("integrity check");
  }
  Statement stmt(raw);
  std::vector<std::string> findings;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    const std::string line = text != nullptr ? text : "";
    if (line != "ok") findings.push_back(line);
  }
  if (rc != SQLITE_DONE) findings.emplace_back(sqlite3_errmsg(db_));
  return findings;
}

}  // namespace pro380::storage
