// The state store under the load of issue [state]: "saving the state of 1,000 meters every second
// of wall time costs < 5 % of one core".
//
// Ours: StateStore::Save of 1,000 MeterRecords and no events: one SQLite transaction, WAL,
// synchronous=FULL (docs/formats/state.md). Peer: the common way a daemon persists such state:
// the same 1,000 states as one JSON document (nlohmann-json; every field of the store's row, named
// after MeterState's members), written to a temporary file, fsync'd, renamed over the previous
// file and the directory fsync'd. Both are durable when a save returns, both write to the real
// disk (a fresh directory under $TMPDIR, /tmp or /var/tmp that is not tmpfs, removed afterwards).
//
// Between saves every meter registers one more 1 s record (timing paused), so each save writes new
// register values, as in `pro380 run`. The time is the process CPU time (user + sys): waiting
// for fsync is not CPU time, the kernel work of the write and sync calls is. Counters:
// cpu_ms_per_save, wall_ms_per_save (including the wait for the disk) and core_pct_at_1hz, the
// share of one core a save per second takes (CPU seconds per save × 100).
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "metering/ct_ratio.h"
#include "metering/meter.h"
#include "metering/meter_state.h"
#include "storage/state_store.h"

namespace pro380::bench {
namespace {

constexpr int kMeterCount = 1000;
constexpr TimePoint kMeterStart{std::chrono::seconds(1'767'225'600)};  // 2026-01-01T00:00:00Z

metering::Interval RandomRecord(std::mt19937_64& rng, Duration duration) {
  std::uniform_real_distribution<double> p(-6000, 9000), q(-1500, 1500), u(225, 240);
  metering::Interval record;
  for (auto& phase : record.phase) phase = metering::PhaseFromPower(u(rng), p(rng), q(rng));
  record.duration = duration;
  return record;
}

// A varied fleet: every combined code, S0 rate, both wirings and tariffs, direct and CT meters
// (set and locked ratios), each with a different day of history behind it.
std::vector<metering::Meter> MakeFleet(std::mt19937_64& rng) {
  std::vector<metering::Meter> fleet;
  fleet.reserve(kMeterCount);
  for (int i = 0; i < kMeterCount; ++i) {
    metering::MeterConfig c;
    c.combined_code = metering::kCombinedCodes[i % metering::kCombinedCodes.size()];
    c.s0_rate = metering::kS0Rates[i % metering::kS0Rates.size()];
    c.wiring = i % 5 == 4 ? metering::Wiring::k3P3W : metering::Wiring::k3P4W;
    c.tariff = i % 2 == 0 ? metering::Tariff::kT1 : metering::Tariff::kT2;
    c.ct_variant = i % 4 == 3;
    if (c.ct_variant) {
      c.ct_ratio = metering::kCtRatios[i % metering::kCtRatios.size()];
      c.ct_locked = i % 8 == 7;
    }
    c.start = kMeterStart;
    fleet.emplace_back(c);
    fleet.back().set_power_down_count(i % 13);
    for (int hour = 0; hour < 24 + i % 24; ++hour) {
      fleet.back().ApplyRecord(RandomRecord(rng, std::chrono::hours(1)));
    }
  }
  return fleet;
}

// The fleet and its records; Advance() registers one second on every meter and refreshes the
// records, so consecutive saves never write the same values.
class Fleet {
 public:
  Fleet() : rng_(380), meters_(MakeFleet(rng_)) {
    for (int i = 0; i < 64; ++i) seconds_.push_back(RandomRecord(rng_, std::chrono::seconds(1)));
    for (int i = 0; i < kMeterCount; ++i) {
      records_.push_back({std::to_string(10'000'000 + 7 * i), meters_[i].state()});
    }
  }
  void Advance() {
    for (std::size_t i = 0; i < meters_.size(); ++i) {
      meters_[i].ApplyRecord(seconds_[(next_ + i) % seconds_.size()]);
      records_[i].state = meters_[i].state();
    }
    ++next_;
    wall_time_ += std::chrono::seconds(1);
  }
  const std::vector<storage::MeterRecord>& records() const { return records_; }
  TimePoint wall_time() const { return wall_time_; }

 private:
  std::mt19937_64 rng_;
  std::vector<metering::Meter> meters_;
  std::vector<metering::Interval> seconds_;
  std::vector<storage::MeterRecord> records_;
  std::size_t next_ = 0;
  TimePoint wall_time_ = kMeterStart + std::chrono::hours(48);
};

// A fresh directory on a disk-backed file system (a store on tmpfs would not measure the sync),
// removed with everything in it when the object goes.
class DiskTempDir {
 public:
  DiskTempDir() {
    const char* tmpdir = std::getenv("TMPDIR");
    for (std::string base : {std::string(tmpdir != nullptr ? tmpdir : ""), std::string("/tmp"),
                             std::string("/var/tmp")}) {
      struct statfs fs {};
      if (base.empty() || ::statfs(base.c_str(), &fs) != 0 || fs.f_type == TMPFS_MAGIC) continue;
      std::string pattern = base + "/pro380-store-bench-XXXXXX";
      if (::mkdtemp(pattern.data()) != nullptr) {
        path_ = pattern;
        return;
      }
    }
  }
  ~DiskTempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  DiskTempDir(const DiskTempDir&) = delete;
  DiskTempDir& operator=(const DiskTempDir&) = delete;
  const std::string& path() const { return path_; }  // empty: no disk-backed directory found

 private:
  std::string path_;
};

// Process CPU time (user + sys of every thread) and wall time of the saves alone.
class SaveClock {
 public:
  void Start() {
    cpu_start_ = CpuSeconds();
    wall_start_ = std::chrono::steady_clock::now();
  }
  void Stop() {
    cpu_ += CpuSeconds() - cpu_start_;
    wall_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
    ++saves_;
  }
  void Report(benchmark::State& state) const {
    const double cpu_per_save = cpu_ / static_cast<double>(saves_);
    state.counters["cpu_ms_per_save"] = cpu_per_save * 1e3;
    state.counters["wall_ms_per_save"] = wall_ / static_cast<double>(saves_) * 1e3;
    state.counters["core_pct_at_1hz"] = cpu_per_save * 100;
    state.SetItemsProcessed(state.iterations());  // saves per CPU second
  }

 private:
  static double CpuSeconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  double cpu_start_ = 0, cpu_ = 0, wall_ = 0;
  std::chrono::steady_clock::time_point wall_start_;
  int64_t saves_ = 0;
};

void BM_StoreSave1000Meters(benchmark::State& state) {
  const DiskTempDir dir;
  if (dir.path().empty()) return state.SkipWithError("no disk-backed temporary directory");
  auto store = storage::StateStore::Open(dir.path());
  if (!store.ok()) return state.SkipWithError(store.status().message().c_str());
  Fleet fleet;
  // The first save inserts the rows; the measured ones replace them, as a running process does.
  if (Status st = (*store)->Save(fleet.records(), {}, fleet.wall_time()); !st.ok()) {
    return state.SkipWithError(st.message().c_str());
  }
  SaveClock clock;
  for (auto _ : state) {
    state.PauseTiming();
    fleet.Advance();
    state.ResumeTiming();
    clock.Start();
    const Status st = (*store)->Save(fleet.records(), {}, fleet.wall_time());
    clock.Stop();
    if (!st.ok()) return state.SkipWithError(st.message().c_str());
  }
  clock.Report(state);
}
BENCHMARK(BM_StoreSave1000Meters)
    ->MeasureProcessCPUTime()
    ->MinTime(2)
    ->Unit(benchmark::kMillisecond);

// The peer's document: every column of the store's row, under MeterState's member names.
nlohmann::json ToJson(const storage::MeterRecord& m, TimePoint wall_time) {
  const metering::MeterState& s = m.state;
  const metering::MeterConfig& c = s.config;
  const auto pulse = [](const metering::PulseState& p) {
    return nlohmann::json{{"pulses", p.pulses}, {"residue_uwh", p.residue_uwh}};
  };
  nlohmann::json registers = nlohmann::json::array();
  for (const metering::EnergyRegisters& r : s.registers) {
    registers.push_back({{"phase", r.phase}, {"total", r.total}});
  }
  return {{"key", m.key},
          {"saved_wall_time_ns", wall_time.time_since_epoch().count()},
          {"meter_time_ns", c.start.time_since_epoch().count()},
          {"ct_variant", c.ct_variant},
          {"ct_ratio", c.ct_ratio},
          {"ct_locked", c.ct_locked},
          {"wiring", std::string(metering::WiringName(c.wiring))},
          {"combined_code", static_cast<int>(c.combined_code)},
          {"s0_uwh_per_pulse", c.s0_rate.uwh_per_pulse},
          {"tariff", c.tariff == metering::Tariff::kT2 ? 2 : 1},
          {"day_counter_uwh", s.day_counter_uwh},
          {"power_down_count", s.power_down_count},
          {"s0_forward", pulse(s.s0_forward)},
          {"s0_reverse", pulse(s.s0_reverse)},
          {"led", {pulse(s.led[0]), pulse(s.led[1])}},
          {"registers", std::move(registers)},
          {"residues_uj", s.residues_uj}};
}

// Writes all of `data` to `fd`; false on any error.
bool WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// The atomic replace: the new document is durable, and has replaced the old one, on return.
bool SaveJsonFile(const std::string& dir, const std::vector<storage::MeterRecord>& meters,
                  TimePoint wall_time) {
  nlohmann::json doc = nlohmann::json::array();
  for (const storage::MeterRecord& m : meters) doc.push_back(ToJson(m, wall_time));
  const std::string text = doc.dump();
  const std::string path = dir + "/state.json";
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool written = WriteAll(fd, text) && ::fsync(fd) == 0;
  if (::close(fd) != 0 || !written || ::rename(temp.c_str(), path.c_str()) != 0) return false;
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return false;
  const bool synced = ::fsync(dir_fd) == 0;
  return ::close(dir_fd) == 0 && synced;
}

void BM_PeerJsonFile1000Meters(benchmark::State& state) {
  const DiskTempDir dir;
  if (dir.path().empty()) return state.SkipWithError("no disk-backed temporary directory");
  Fleet fleet;
  if (!SaveJsonFile(dir.path(), fleet.records(), fleet.wall_time())) {
    return state.SkipWithError("writing the JSON state file failed");
  }
  SaveClock clock;
  for (auto _ : state) {
    state.PauseTiming();
    fleet.Advance();
    state.ResumeTiming();
    clock.Start();
    const bool saved = SaveJsonFile(dir.path(), fleet.records(), fleet.wall_time());
    clock.Stop();
    if (!saved) return state.SkipWithError("writing the JSON state file failed");
  }
  clock.Report(state);
}
BENCHMARK(BM_PeerJsonFile1000Meters)
    ->MeasureProcessCPUTime()
    ->MinTime(2)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pro380::bench
