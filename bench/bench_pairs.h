// The ours-versus-peer pairs the report prints, with the goal each must meet (issue
// [foundation], "Must show").
#ifndef PRO380_BENCH_BENCH_PAIRS_H_
#define PRO380_BENCH_BENCH_PAIRS_H_

#include <array>

namespace pro380::bench {

struct Pair {
  const char* label;
  const char* ours;  // benchmark function names
  const char* peer;
  const char* goal;
};

inline constexpr std::array<Pair, 4> kPairs = {{
    {"per-phase records", "BM_RecordsIntoMeter", "BM_PeerRecordKernel", ">= 50 M records/s"},
    {"one year of 1 s records", "BM_YearOfHouseholdRecords", "BM_PeerRecordKernel",
     "year (31.5 M records) < 1 s"},
    {"csv input", "BM_CsvIntoMeter", "BM_PeerCsvFromChars", ">= 10 M rows/s"},
    {"waveform pipeline", "BM_WaveformIntoMeter", "BM_PeerBlockSumKernel",
     "ratio >= 0.30 of the block-sum kernel"},
}};

}  // namespace pro380::bench

#endif  // PRO380_BENCH_BENCH_PAIRS_H_
