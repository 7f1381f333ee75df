// EnergyCounter: turns a stream of real-valued energies into whole µWh (µvarh) without ever
// losing a fraction. Energy arrives in µJ (W·ns/1000, exact for the usual powers and durations);
// whole µJ are carried as an integer remainder below 3600 µJ (= 1 µWh) and the sub-µJ fraction
// as a double in [0, 1). The sum of everything returned plus residue_uj()/3600 equals the sum of
// everything added, to within one ulp of the fraction.
//
// Thread safety: none; owned by one Meter.
#ifndef PRO380_METERING_ENERGY_COUNTER_H_
#define PRO380_METERING_ENERGY_COUNTER_H_

#include <cmath>
#include <cstdint>

namespace pro380::metering {

inline constexpr int64_t kMicrojoulePerMicroWattHour = 3600;

class EnergyCounter {
 public:
  // Adds `microjoules` (>= 0) and returns the whole µWh that became complete.
  int64_t Add(double microjoules) {
    const double total = fraction_uj_ + microjoules;
    const double whole = std::floor(total);
    fraction_uj_ = total - whole;
    remainder_uj_ += static_cast<int64_t>(whole);
    const int64_t uwh = remainder_uj_ / kMicrojoulePerMicroWattHour;
    remainder_uj_ -= uwh * kMicrojoulePerMicroWattHour;
    return uwh;
  }

  // Energy added but not yet returned, in µJ (< 3600 + 1).
  double residue_uj() const { return static_cast<double>(remainder_uj_) + fraction_uj_; }

  int64_t remainder_uj() const { return remainder_uj_; }
  double fraction_uj() const { return fraction_uj_; }
  void Restore(int64_t remainder_uj, double fraction_uj) {
    remainder_uj_ = remainder_uj;
    fraction_uj_ = fraction_uj;
  }

 private:
  int64_t remainder_uj_ = 0;  // 0 <= remainder_uj_ < 3600
  double fraction_uj_ = 0;    // 0 <= fraction_uj_ < 1
};

}  // namespace pro380::metering

#endif  // PRO380_METERING_ENERGY_COUNTER_H_
