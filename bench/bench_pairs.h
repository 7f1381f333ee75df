// The ours-versus-peer pairs the report prints, with the goal each must meet (issues
// [foundation], "Must show", and [state]).
#ifndef PRO380_BENCH_BENCH_PAIRS_H_
#define PRO380_BENCH_BENCH_PAIRS_H_

#include <array>

namespace pro380::bench {

// What a pair compares. Either way the table's ratio is ours' advantage: above 1, ours is better.
enum class Figure {
  kRate,        // items_per_second; higher is better, ratio = ours / peer
  kCpuPerIter,  // CPU seconds per iteration; lower is better, ratio = peer / ours
};

struct Pair {
  const char* label;
  const char* ours;  // benchmark function names
  const char* peer;
  const char* goal;
  Figure figure = Figure::kRate;
};

inline constexpr std::array<Pair, 6> kPairs = {{
    {"per-phase records", "BM_RecordsIntoMeter", "BM_PeerRecordKernel", ">= 50 M records/s"},
    {"one year of 1 s records", "BM_YearOfHouseholdRecords", "BM_PeerRecordKernel",
     "year (31.5 M records) < 1 s"},
    {"csv time,p1..p3", "BM_CsvIntoMeter/4", "BM_PeerCsvFromChars/4", ">= 10 M rows/s"},
    {"csv time,p,q,u x3", "BM_CsvIntoMeter/10", "BM_PeerCsvFromChars/10",
     "(10 columns: bounded by the peer)"},
    {"waveform pipeline", "BM_WaveformIntoMeter", "BM_PeerBlockSumKernel",
     "ratio >= 0.30 of the block-sum kernel"},
    {"state store, 1000 meters", "BM_StoreSave1000Meters", "BM_PeerJsonFile1000Meters",
     "< 5 % of a core at 1 save/s (< 50 ms CPU)", Figure::kCpuPerIter},
}};

}  // namespace pro380::bench

#endif  // PRO380_BENCH_BENCH_PAIRS_H_
