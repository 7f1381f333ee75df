// Test states for the storage tests: every field away from its default.
#ifndef PRO380_TESTS_STORAGE_NONTRIVIAL_STATE_H_
#define PRO380_TESTS_STORAGE_NONTRIVIAL_STATE_H_

#include <gtest/gtest.h>

#include <cmath>

#include "metering/meter_state.h"
#include "metering/s0_rate.h"

namespace pro380::storage {

inline TimePoint At(int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

// A state with every field away from its default, including residues that are not integers.
inline metering::MeterState NonTrivialState(int64_t salt) {
  metering::MeterConfig config;
  config.ct_variant = true;
  config.ct_ratio = 100;
  config.ct_locked = true;
  config.wiring = metering::Wiring::k3P3W;
  config.combined_code = metering::CombinedCode::kNetted;
  config.s0_rate = metering::kS0Rates[4];
  config.tariff = metering::Tariff::kT2;
  config.start = At(1'790'000'000) + Duration(123'456'789);
  metering::MeterState s;
  s.config = config;
  int64_t v = salt;
  for (auto& kind : s.registers) {
    for (auto& phase : kind.phase) {
      for (auto& dir : phase) {
        for (auto& t : dir) t = (v += 1'000'000'007) * 3;
      }
    }
    for (auto& dir : kind.total) {
      for (auto& t : dir) t = (v += 999'999'937);
    }
  }
  double r = 0.1 + static_cast<double>(salt);
  for (auto& dir : s.residues_uj) {
    for (auto& lane : dir) lane = (r = std::fmod(r * 7.3 + 0.123456789, 3599.9));
  }
  s.day_counter_uwh = 4'500'000'000'000 + salt;
  s.s0_forward = {123456, 99'999'999};
  s.s0_reverse = {7, 1};
  s.led[0] = {987654321, 99'999};
  s.led[1] = {5, 0};
  s.power_down_count = 42 + salt;
  EXPECT_TRUE(metering::ValidateMeterState(s).ok()) << metering::ValidateMeterState(s).message();
  return s;
}

}  // namespace pro380::storage

#endif  // PRO380_TESTS_STORAGE_NONTRIVIAL_STATE_H_
