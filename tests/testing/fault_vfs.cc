#include "testing/fault_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <mutex>

namespace pro380::testing {
namespace {

FaultPlan g_plan;
int g_writes = 0;
bool g_power_lost = false;  // after a torn write: the "disk" is gone until re-armed

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

// Our file: the real VFS's file object follows in the same allocation.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

FaultFile* Of(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f); }

int Write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  sqlite3_file* real = Of(f)->real();
  if (g_power_lost) return SQLITE_IOERR_WRITE;
  switch (g_plan.fault) {
    case Fault::kDiskFull:
      return SQLITE_FULL;
    case Fault::kReadOnly:
      return SQLITE_READONLY;
    case Fault::kIoError:
      if (g_plan.writes_left-- <= 0) return SQLITE_IOERR_WRITE;
      break;
    case Fault::kTornWrite:
      if (g_plan.writes_left-- <= 0) {
        ++g_writes;
        g_power_lost = true;
        real->pMethods->xWrite(real, data, amount / 2, offset);
        return SQLITE_IOERR_WRITE;
      }
      break;
    case Fault::kNone:
    case Fault::kSyncError:
      break;
  }
  ++g_writes;
  return real->pMethods->xWrite(real, data, amount, offset);
}

int Sync(sqlite3_file* f, int flags) {
  if (g_power_lost) return SQLITE_IOERR_FSYNC;
  if (g_plan.fault == Fault::kSyncError) return SQLITE_IOERR_FSYNC;
  if (g_plan.fault == Fault::kReadOnly) return SQLITE_READONLY;
  sqlite3_file* real = Of(f)->real();
  return real->pMethods->xSync(real, flags);
}

int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (g_power_lost || g_plan.fault == Fault::kReadOnly) return SQLITE_IOERR_TRUNCATE;
  if (g_plan.fault == Fault::kDiskFull) return SQLITE_FULL;
  sqlite3_file* real = Of(f)->real();
  return real->pMethods->xTruncate(real, size);
}

int Close(sqlite3_file* f) {
  sqlite3_file* real = Of(f)->real();
  const int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
  return rc;
}

// The remaining methods pass straight through to the real file.
template <auto Member, typename... A>
int Pass(sqlite3_file* f, A... args) {
  sqlite3_file* real = Of(f)->real();
  return (real->pMethods->*Member)(real, args...);
}

int Read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
  return Pass<&sqlite3_io_methods::xRead>(f, data, amount, offset);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Pass<&sqlite3_io_methods::xFileSize>(f, size);
}
int Lock(sqlite3_file* f, int level) { return Pass<&sqlite3_io_methods::xLock>(f, level); }
int Unlock(sqlite3_file* f, int level) { return Pass<&sqlite3_io_methods::xUnlock>(f, level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Pass<&sqlite3_io_methods::xCheckReservedLock>(f, out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Pass<&sqlite3_io_methods::xFileControl>(f, op, arg);
}
int SectorSize(sqlite3_file* f) {
  sqlite3_file* real = Of(f)->real();
  return real->pMethods->xSectorSize(real);
}
int DeviceCharacteristics(sqlite3_file* f) {
  sqlite3_file* real = Of(f)->real();
  return real->pMethods->xDeviceCharacteristics(real);
}
int ShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Pass<&sqlite3_io_methods::xShmMap>(f, page, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Pass<&sqlite3_io_methods::xShmLock>(f, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) {
  sqlite3_file* real = Of(f)->real();
  real->pMethods->xShmBarrier(real);
}
int ShmUnmap(sqlite3_file* f, int remove) {
  return Pass<&sqlite3_io_methods::xShmUnmap>(f, remove);
}

int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  FaultFile* ours = Of(file);
  std::memset(ours->real(), 0, static_cast<size_t>(g_real->szOsFile));
  const int rc = g_real->xOpen(g_real, name, ours->real(), flags, out_flags);
  // SQLite calls xClose only when pMethods is set; set it only if the real file opened.
  ours->base.pMethods = ours->real()->pMethods != nullptr ? &g_methods : nullptr;
  return rc;
}

int Delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (g_power_lost || g_plan.fault == Fault::kReadOnly) return SQLITE_IOERR_DELETE;
  return g_real->xDelete(g_real, name, sync_dir);
}
int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int FullPathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_real->xFullPathname(g_real, name, size, out);
}

void Register() {
  g_real = sqlite3_vfs_find(nullptr);
  g_methods = {};
  g_methods.iVersion = 2;  // up to the shared-memory methods WAL needs
  g_methods.xClose = Close;
  g_methods.xRead = Read;
  g_methods.xWrite = Write;
  g_methods.xTruncate = Truncate;
  g_methods.xSync = Sync;
  g_methods.xFileSize = FileSize;
  g_methods.xLock = Lock;
  g_methods.xUnlock = Unlock;
  g_methods.xCheckReservedLock = CheckReservedLock;
  g_methods.xFileControl = FileControl;
  g_methods.xSectorSize = SectorSize;
  g_methods.xDeviceCharacteristics = DeviceCharacteristics;
  g_methods.xShmMap = ShmMap;
  g_methods.xShmLock = ShmLock;
  g_methods.xShmBarrier = ShmBarrier;
  g_methods.xShmUnmap = ShmUnmap;
  g_vfs = *g_real;  // randomness, sleep, time and the rest: the real VFS's
  g_vfs.iVersion = 1;
  g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
  g_vfs.zName = kFaultVfsName;
  g_vfs.pNext = nullptr;
  g_vfs.xOpen = Open;
  g_vfs.xDelete = Delete;
  g_vfs.xAccess = Access;
  g_vfs.xFullPathname = FullPathname;
  sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
}

}  // namespace

const char* ArmFaultVfs(FaultPlan plan) {
  static std::once_flag once;
  std::call_once(once, Register);
  g_plan = plan;
  g_writes = 0;
  g_power_lost = false;
  return kFaultVfsName;
}

int FaultVfsWrites() { return g_writes; }

}  // namespace pro380::testing
