// Fault injection at the storage interface (issue [state]): a disk that is full, read-only,
// fails a write in the middle of a transaction, fails its syncs, or loses power in the middle of
// a write. A failing save reports an error and changes nothing that was saved; when the fault
// clears, the same store saves again; a store reopened after any of them holds a save that was
// completed, never a mix, and passes the integrity check.
#include <gtest/gtest.h>

#include <string>

#include "storage/nontrivial_state.h"
#include "storage/state_store.h"
#include "testing/fault_vfs.h"
#include "testing/run_binary.h"

namespace pro380::storage {
namespace {

using metering::MeterState;
using testing::Fault;

class StateStoreFault : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("fault-" + std::to_string(++count_));
    auto store = StateStore::Open(dir_, {.vfs = testing::DisarmFaultVfs()});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(Save(NonTrivialState(1)).ok());
  }
  void TearDown() override { testing::DisarmFaultVfs(); }

  Status Save(const MeterState& state) {
    const MeterRecord record{"00000001", state};
    const Event event{At(1), At(2), "00000001", EventKind::kSettingChange, "test", "", "x"};
    return store_->Save({&record, 1}, {&event, 1}, At(3));
  }

  // What another process reads from the file now: the last completed save.
  static MeterState ReadBack(const std::string& dir) {
    auto reader = StateStore::Open(dir, {.read_only = true});
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    if (!reader.ok()) return {};
    auto findings = (*reader)->IntegrityFindings();
    EXPECT_TRUE(findings.ok() && findings->empty());
    auto loaded = (*reader)->Load("00000001");
    EXPECT_TRUE(loaded.ok() && loaded->has_value());
    return loaded.ok() && loaded->has_value() ? **loaded : MeterState{};
  }

  static size_t EventCount(const std::string& dir) {
    auto reader = StateStore::Open(dir, {.read_only = true});
    if (!reader.ok()) return 0;
    auto events = (*reader)->ReadEvents();
    return events.ok() ? events->size() : 0;
  }

  // Arms `fault`, checks that a save fails without touching what was saved, then clears the
  // fault and checks that the same store saves again.
  void ExpectFailureThenRecovery(testing::FaultPlan plan, const std::string& message_part) {
    testing::ArmFaultVfs(plan);
    const Status failed = Save(NonTrivialState(2));
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(failed.code(), Status::Code::kIoError) << failed.message();
    EXPECT_NE(failed.message().find(message_part), std::string::npos) << failed.message();
    EXPECT_NE(failed.message().find(dir_ + "/state.sqlite"), std::string::npos);
    testing::DisarmFaultVfs();
    EXPECT_EQ(ReadBack(dir_), NonTrivialState(1));
    EXPECT_EQ(EventCount(dir_), 1u);
    const Status again = Save(NonTrivialState(3));
    EXPECT_TRUE(again.ok()) << again.message();
    EXPECT_EQ(ReadBack(dir_), NonTrivialState(3));
    EXPECT_EQ(EventCount(dir_), 2u);
  }

  static inline int count_ = 0;
  std::string dir_;
  std::unique_ptr<StateStore> store_;
};

TEST_F(StateStoreFault, DiskFull) { ExpectFailureThenRecovery({Fault::kDiskFull}, "full"); }

TEST_F(StateStoreFault, ReadOnlyDisk) { ExpectFailureThenRecovery({Fault::kReadOnly}, "readonly"); }

TEST_F(StateStoreFault, FailingSync) { ExpectFailureThenRecovery({Fault::kSyncError}, "I/O"); }

TEST_F(StateStoreFault, IoErrorAtEveryWriteOfASave) {
  // Find how many writes one save makes, then fail each of them in turn.
  testing::ArmFaultVfs({Fault::kNone});
  ASSERT_TRUE(Save(NonTrivialState(1)).ok());
  const int writes = testing::FaultVfsWrites();
  ASSERT_GT(writes, 1);
  for (int k = 0; k < writes; ++k) {
    SCOPED_TRACE("write " + std::to_string(k) + " of " + std::to_string(writes));
    testing::ArmFaultVfs({Fault::kIoError, k});
    EXPECT_FALSE(Save(NonTrivialState(2)).ok());
    testing::DisarmFaultVfs();
    EXPECT_EQ(ReadBack(dir_), NonTrivialState(1));
    ASSERT_TRUE(Save(NonTrivialState(1)).ok());
  }
}

TEST_F(StateStoreFault, PowerLossInTheMiddleOfEveryWriteOfASave) {
  testing::ArmFaultVfs({Fault::kNone});
  ASSERT_TRUE(Save(NonTrivialState(1)).ok());
  const int writes = testing::FaultVfsWrites();
  for (int k = 0; k < writes; ++k) {
    SCOPED_TRACE("torn write " + std::to_string(k) + " of " + std::to_string(writes));
    testing::ArmFaultVfs({Fault::kTornWrite, k});
    EXPECT_FALSE(Save(NonTrivialState(2)).ok());
    store_.reset();  // the process "dies" with the disk gone: its close cannot write either
    testing::DisarmFaultVfs();
    // The restarted process finds the last completed save, never a mix.
    EXPECT_EQ(ReadBack(dir_), NonTrivialState(1));
    auto reopened = StateStore::Open(dir_, {.vfs = testing::DisarmFaultVfs()});
    ASSERT_TRUE(reopened.ok()) << reopened.status().message();
    store_ = std::move(*reopened);
    ASSERT_TRUE(Save(NonTrivialState(1)).ok());
  }
}

}  // namespace
}  // namespace pro380::storage
