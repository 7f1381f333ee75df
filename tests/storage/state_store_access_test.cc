// Who may open a store how: one writer per state directory (the lock), read-only inspection
// beside a running writer, and the named fields that export/import use.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "storage/nontrivial_state.h"
#include "storage/state_fields.h"
#include "storage/state_store.h"
#include "testing/run_binary.h"

namespace pro380::storage {
namespace {

TEST(StateStoreLock, ASecondWriterIsRefusedUntilTheFirstCloses) {
  const std::string dir = testing::MakeTempDir("lock-same-process");
  auto first = StateStore::Open(dir);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = StateStore::Open(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another pro380 process (pid " +
                                           std::to_string(getpid()) + ")"),
            std::string::npos)
      << second.status().message();
  EXPECT_NE(second.status().message().find(dir), std::string::npos);
  first->reset();
  auto third = StateStore::Open(dir);
  EXPECT_TRUE(third.ok()) << third.status().message();
}

TEST(StateStoreLock, AKilledWriterReleasesTheLock) {
  const std::string dir = testing::MakeTempDir("lock-killed");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(ready[0]);
    auto store = StateStore::Open(dir);
    const char byte = store.ok() ? '1' : '0';
    if (write(ready[1], &byte, 1) != 1) _exit(2);
    pause();  // holds the lock until killed
    _exit(0);
  }
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  close(ready[0]);
  ASSERT_EQ(byte, '1');
  auto refused = StateStore::Open(dir);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("(pid " + std::to_string(pid) + ")"), std::string::npos)
      << refused.status().message();
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  auto reopened = StateStore::Open(dir);
  EXPECT_TRUE(reopened.ok()) << reopened.status().message();
}

TEST(StateStoreReadOnly, MissingFileIsNotFoundAndNothingIsCreated) {
  const std::string dir = testing::MakeTempDir("ro-missing") + "/none";
  auto store = StateStore::Open(dir, {.read_only = true});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kNotFound);
  EXPECT_NE(store.status().message().find(dir + "/state.sqlite"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST(StateStoreReadOnly, ReadsBesideARunningWriterAndCannotSave) {
  const std::string dir = testing::MakeTempDir("ro-beside");
  auto writer = StateStore::Open(dir);
  ASSERT_TRUE(writer.ok());
  const MeterRecord a{"00000002", NonTrivialState(2)};
  const MeterRecord b{"00000001", NonTrivialState(1)};
  const MeterRecord both[] = {a, b};
  ASSERT_TRUE((*writer)->Save(both, {}, At(5)).ok());
  auto reader = StateStore::Open(dir, {.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto keys = (*reader)->Keys();
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"00000001", "00000002"}));
  auto loaded = (*reader)->Load("00000002");
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, a.state);
  auto findings = (*reader)->IntegrityFindings();
  ASSERT_TRUE(findings.ok());
  EXPECT_TRUE(findings->empty());
  const Status refused = (*reader)->Save({&a, 1}, {}, At(6));
  EXPECT_EQ(refused.code(), Status::Code::kFailedPrecondition) << refused.message();
  // The writer keeps saving while the reader is open.
  const MeterRecord later{"00000002", NonTrivialState(3)};
  EXPECT_TRUE((*writer)->Save({&later, 1}, {}, At(7)).ok());
}

TEST(StateFields, EncodeThenDecodeIsExact) {
  const metering::MeterState state = NonTrivialState(9);
  auto decoded = DecodeMeterState(EncodeMeterState(state));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(*decoded, state);
}

TEST(StateFields, WholeDoublesAreIntegers) {
  std::vector<StateField> fields = EncodeMeterState(NonTrivialState(1));
  for (StateField& f : fields) {
    if (f.name == "power_down_count") f.value = 43.0;
  }
  auto decoded = DecodeMeterState(fields);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->power_down_count, 43);
}

Status DecodeWith(const std::string& name, FieldValue value) {
  std::vector<StateField> fields = EncodeMeterState(NonTrivialState(1));
  for (StateField& f : fields) {
    if (f.name == name) f.value = std::move(value);
  }
  return DecodeMeterState(fields).status();
}

TEST(StateFields, EachBadFieldIsNamed) {
  EXPECT_EQ(DecodeWith("power_down_count", 1.5).message(), "power_down_count must be an integer");
  EXPECT_EQ(DecodeWith("wiring", std::string("3p5w")).message(), "wiring is not 3p4w or 3p3w");
  EXPECT_EQ(DecodeWith("wiring", int64_t{1}).message(), "wiring must be a string");
  EXPECT_EQ(DecodeWith("combined_code", int64_t{7}).message(),
            "combined_code is not one of 1, 4, 5, 6, 9, 10, 11");
  EXPECT_EQ(DecodeWith("tariff", int64_t{3}).message(), "tariff is not 1 or 2");
  EXPECT_EQ(DecodeWith("s0_uwh_per_pulse", int64_t{3}).message(),
            "s0_uwh_per_pulse is not the pulse energy of any S0 rate");
  EXPECT_EQ(DecodeWith("residue_active_forward_l1_uj", std::string("x")).message(),
            "residue_active_forward_l1_uj must be a number");
  // Values of the right type that no meter could have saved: ValidateMeterState names them.
  EXPECT_FALSE(DecodeWith("active_forward_l1_t1_uwh", int64_t{-1}).ok());
  EXPECT_FALSE(DecodeWith("power_down_count", 1e300).ok());
}

TEST(StateFields, MissingAndUnknownFieldsAreRefused) {
  std::vector<StateField> fields = EncodeMeterState(NonTrivialState(1));
  std::vector<StateField> missing(fields.begin() + 1, fields.end());
  EXPECT_EQ(DecodeMeterState(missing).status().message(), "meter_time_ns is missing");
  fields.push_back({"colour", std::string("blue")});
  EXPECT_EQ(DecodeMeterState(fields).status().message(), "colour is not a state field");
  fields.back() = fields.front();
  EXPECT_EQ(DecodeMeterState(fields).status().message(), "meter_time_ns is given twice");
}

}  // namespace
}  // namespace pro380::storage
