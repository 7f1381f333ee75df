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

inline constexpr std::array<Pair, 5> kPairs = {{
    {"per-phase records", "BM_RecordsIntoMeter", "BM_PeerRecordKernel", ">= 50 M records/s"},
    {"one year of 1 s records", "BM_YearOfHouseholdRecords", "BM_PeerRecordKernel",
     "year (31.5 M records) < 1 s"},
    {"csv time,p1..p3", "BM_CsvIntoMeter/4", "BM_PeerCsvFromChars/4", ">= 10 M rows/s"},
    {"csv time,p,q,u x3", "BM_CsvIntoMeter/10", "BM_PeerCsvFromChars/10",
     "(10 columns: bounded by the peer)"},
    {"waveform pipeline", "BM_WaveformIntoMeter", "BM_PeerBlockSumKernel",
     "ratio >= 0.30 of the block-sum kernel"},
}};

}  // namespace pro380::bench

#endif  // PRO380_BENCH_BENCH_PAIRS_H_
