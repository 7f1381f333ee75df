// StateStore: the persistent state of every meter of a process, in one SQLite file
// (`<dir>/state.sqlite`, format in docs/formats/state.md): each meter's MeterState as one row
// (its settings as typed columns, its counters, registers and residues as one little-endian BLOB
// since schema version 3, state_counters.h), and an append-only event log.
//
// Besides the MeterState, a meter may carry device settings: named integers the store keeps
// without interpreting them (NamedSetting; schema version 2).
//
// Safety contract: a file that is not a pro380 store (garbage, another program's SQLite file),
// a damaged one (PRAGMA quick_check fails) or one of a newer schema is refused with a message
// naming the path; nothing is ever reset or overwritten to "repair" it. A saved state that fails
// ValidateMeterState is refused the same way. Every Save is one transaction, durable when it
// returns (WAL, synchronous=FULL): a crash or power loss keeps the last completed Save.
//
// One writer per state directory: a writable StateStore holds an exclusive lock on
// `<dir>/state.lock` (flock, released by the kernel when the process ends, also on kill -9), so a
// second process refuses to open the directory for writing instead of interleaving saves. Readers
// (`pro380 state check|export`) open read-only without the lock and never block the writer (WAL).
//
// Thread safety: none. One thread owns a StateStore.
#ifndef PRO380_STORAGE_STATE_STORE_H_
#define PRO380_STORAGE_STATE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "metering/meter_state.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pro380::storage {

// The schema this code writes. DO NOT CHANGE the meaning of an existing version: a change of
// tables or columns is a new version with a migration (state_store.cc, kMigrations).
inline constexpr int kSchemaVersion = 3;
// PRAGMA application_id of a pro380 store: "P380" in ASCII. DO NOT CHANGE.
inline constexpr int32_t kApplicationId = 0x50333830;
inline constexpr std::string_view kStateFileName = "state.sqlite";
inline constexpr std::string_view kLockFileName = "state.lock";

// What an event records. The stored names (EventKindName) are part of the format: DO NOT
// CHANGE them.
enum class EventKind : uint8_t {
  kPowerUp = 0,
  kPowerDown,
  kSettingChange,  // detail: "<setting>: <old> -> <new>"
  kReset,
  kLock,
  kError,
  kTimeJump,
};

std::string_view EventKindName(EventKind kind);
std::optional<EventKind> EventKindFromName(std::string_view name);

struct Event {
  TimePoint wall_time{};   // the host's clock when it happened
  TimePoint meter_time{};  // the meter's clock when it happened
  std::string meter_key;   // the meter's serial
  EventKind kind = EventKind::kError;
  std::string interface;  // "cli", "modbus-tcp", "mbus", "iec", "rest", "app", …
  std::string client;     // who: a peer address, a Modbus ID, "" when not applicable
  std::string detail;

  friend bool operator==(const Event&, const Event&) = default;
};

struct StoredEvent {
  int64_t id = 0;  // strictly increasing in the order of appending; never reused
  Event event;
};

// One named integer setting of a meter that is not part of its MeterState (its Modbus line
// settings, display time, …). The store keeps names and values as given: what they mean, and
// which values are valid, is decided by the layer that encodes them
// (device/device_setting_fields.h), which also refuses a damaged list when it is loaded.
struct NamedSetting {
  std::string name;
  int64_t value = 0;

  friend bool operator==(const NamedSetting&, const NamedSetting&) = default;
};

struct MeterRecord {
  std::string key;  // the meter's serial
  metering::MeterState state;
  // nullopt: a Save keeps the settings the store has for this meter (a writer that does not know
  // them cannot erase them). A list, also an empty one, replaces them all.
  std::optional<std::vector<NamedSetting>> device_settings = std::nullopt;
};

struct OpenOptions {
  // Read-only: the file must exist (NotFound otherwise), nothing is created, migrated or locked,
  // and Save fails. For inspecting a store, also while a process runs on it.
  bool read_only = false;
  // The SQLite VFS to use (nullptr = the default); tests inject storage faults through one.
  const char* vfs = nullptr;
};

class StateStore {
 public:
  // Opens `<dir>/state.sqlite`, creating `dir` and an empty store if needed, and migrating an
  // older schema. Errors: FailedPrecondition for a foreign, damaged or newer file (the message
  // names the path; the file is left untouched) and for a directory that another process has
  // open for writing; IoError when the directory or file cannot be created or read.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& dir,
                                                  const OpenOptions& options = {});

  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Writes every record (replacing the meter's previous row and, when the record carries them,
  // its device settings) and appends `events`, all in one transaction. REQUIRES: each state
  // passes ValidateMeterState and each record's setting names are non-empty and distinct (else
  // InvalidArgument and nothing is written). `wall_time` is stored as the time of the save.
  Status Save(std::span<const MeterRecord> meters, std::span<const Event> events,
              TimePoint wall_time);
  // The same save with the records produced one at a time: `record(i)` for i in [0, count) is
  // called once each, in order, inside the transaction, and its result is written before the
  // next call (so a caller may return the same scratch record every time: a process saving
  // 10,000 meters need not copy them all into one array first). A record that fails the checks
  // above rolls the whole save back: nothing is written.
  using RecordAt = std::function<const MeterRecord&(size_t index)>;
  Status Save(size_t count, const RecordAt& record, std::span<const Event> events,
              TimePoint wall_time);
  Status AppendEvent(const Event& event) { return Save({}, {&event, 1}, event.wall_time); }

  // The saved state of meter `key`, or nullopt if the store has none. A row that does not form a
  // valid MeterState is FailedPrecondition naming the path, the meter and the field.
  Result<std::optional<metering::MeterState>> Load(std::string_view key);

  // The saved device settings of meter `key`, in name order; empty when the store has none for it
  // (a meter saved by schema version 1, or a read-only store of version 1). Values are not
  // checked here: the layer that gave them meaning decodes and validates them.
  Result<std::vector<NamedSetting>> LoadDeviceSettings(std::string_view key);

  // Every event (of `key`, or of all meters when empty), oldest first.
  Result<std::vector<StoredEvent>> ReadEvents(std::string_view key = {});

  // The keys of every saved meter, sorted.
  Result<std::vector<std::string>> Keys();

  // SQLite's full integrity check (slower than the quick check of Open): empty when the file is
  // sound, else the findings.
  Result<std::vector<std::string>> IntegrityFindings();

  const std::string& path() const { return path_; }
  // The schema version of the file: kSchemaVersion, except for a read-only store of an older
  // version (which is read as it is, never migrated).
  int schema_version() const { return schema_version_; }

 private:
  StateStore(sqlite3* db, std::string path, int lock_fd)
      : db_(db), path_(std::move(path)), lock_fd_(lock_fd) {}
  Status Error(std::string_view what) const;  // IoError "<path>: <what>: <sqlite message>"
  Status Exec(const char* sql);

  sqlite3* db_;
  std::string path_;
  int lock_fd_;  // the held state.lock, or -1 (read-only)
  int schema_version_ = kSchemaVersion;
  sqlite3_stmt* save_meter_ = nullptr;    // INSERT of a meter new to the store
  sqlite3_stmt* update_meter_ = nullptr;  // UPDATE of a saved meter's row
  sqlite3_stmt* append_event_ = nullptr;
  sqlite3_stmt* clear_settings_ = nullptr;
  sqlite3_stmt* save_setting_ = nullptr;
};

// The SQL of the schema migration from version `from` to `from` + 1 (0 <= from < kSchemaVersion),
// as Open runs it: for the tests that freeze every version's tables. Step 2 → 3 calls the SQL
// function pro380_counters_v1, which only a migrating StateStore registers.
std::string MigrationSql(int from);

// The state directory of the contract when `--state` is not given: $XDG_STATE_HOME/pro380, else
// $HOME/.local/state/pro380. `xdg_state_home`/`home` are the environment values (null = unset).
// InvalidArgument when neither is set (or both are empty).
Result<std::string> DefaultStateDir(const char* xdg_state_home, const char* home);

}  // namespace pro380::storage

#endif  // PRO380_STORAGE_STATE_STORE_H_
