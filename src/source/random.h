// Deterministic pseudo-random numbers for built-in scenarios: SplitMix64 (Steele, Lea, Flood
// 2014), as a sequential generator and as a stateless hash of a counter. Same seed, same numbers,
// on every platform; not for anything that must be unpredictable.
#ifndef PRO380_SOURCE_RANDOM_H_
#define PRO380_SOURCE_RANDOM_H_

#include <cstdint>

namespace pro380::source {

inline constexpr uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

// SplitMix64's output function: a bijective 64-bit mix.
constexpr uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A well-mixed key for the stream `stream` of `seed`, so different streams of one seed (days,
// voltage knots, noise) do not overlap.
constexpr uint64_t StreamKey(uint64_t seed, uint64_t stream) {
  return Mix64(Mix64(seed + kGoldenGamma) ^ (stream * 0xD1B54A32D192ED03ULL));
}

// The `index`-th value of the stream `key`: what a SplitMix64 generator seeded with `key` would
// return as its (index + 1)-th number.
constexpr uint64_t HashAt(uint64_t key, uint64_t index) {
  return Mix64(key + (index + 1) * kGoldenGamma);
}

// Uniform in [0, 1) from the top 53 bits.
constexpr double ToUnit(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

class SplitMix64 {
 public:
  explicit constexpr SplitMix64(uint64_t key) : state_(key) {}

  constexpr uint64_t Next() { return Mix64(state_ += kGoldenGamma); }
  // Uniform in [lo, hi).
  constexpr double Uniform(double lo, double hi) { return lo + (hi - lo) * ToUnit(Next()); }
  // Uniform integer in [lo, hi]; REQUIRES: lo <= hi.
  constexpr int64_t UniformInt(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(ToUnit(Next()) * static_cast<double>(hi - lo + 1));
  }
  constexpr bool Chance(double probability) { return ToUnit(Next()) < probability; }

 private:
  uint64_t state_;
};

}  // namespace pro380::source

#endif  // PRO380_SOURCE_RANDOM_H_
