// A SQLite VFS for fault injection at the storage interface: it passes everything to the default
// VFS and, when armed, makes writes or syncs fail the way a disk does (full, read-only, I/O
// error after N writes), or tears one write and then fails everything as a power loss would.
// Tests open a StateStore with OpenOptions::vfs = kFaultVfsName. One plan for the whole process.
#ifndef PRO380_TESTING_FAULT_VFS_H_
#define PRO380_TESTING_FAULT_VFS_H_

namespace pro380::testing {

inline constexpr const char* kFaultVfsName = "pro380-fault";

enum class Fault {
  kNone,
  kDiskFull,   // every write: SQLITE_FULL (ENOSPC)
  kReadOnly,   // every write and sync: SQLITE_READONLY (a directory or disk made read-only)
  kIoError,    // writes succeed until `writes_left` reach 0, then SQLITE_IOERR_WRITE
  kSyncError,  // every sync: SQLITE_IOERR_FSYNC
  kTornWrite,  // after `writes_left` writes, the next writes half its bytes; then nothing works
};

struct FaultPlan {
  Fault fault = Fault::kNone;
  int writes_left = 0;  // for kIoError and kTornWrite
};

// Registers the VFS once (idempotent) and sets the plan; returns kFaultVfsName.
const char* ArmFaultVfs(FaultPlan plan);
inline const char* DisarmFaultVfs() { return ArmFaultVfs({}); }

// Writes that went to disk (whole or torn) since the last ArmFaultVfs.
int FaultVfsWrites();

}  // namespace pro380::testing

#endif  // PRO380_TESTING_FAULT_VFS_H_
