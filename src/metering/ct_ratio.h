// CT ratios a PRO380 CT meter offers (manual §6.7.2), as primary amperes for a /5 A secondary.
#ifndef PRO380_METERING_CT_RATIO_H_
#define PRO380_METERING_CT_RATIO_H_

#include <array>
#include <string>

namespace pro380::metering {

inline constexpr std::array<int, 25> kCtRatios = {
    5,   40,  50,   60,   75,   100,  125,  150,  200,  250,  300,  400, 500,
    600, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 7500};

constexpr bool IsValidCtRatio(int primary_amperes) {
  for (int r : kCtRatios) {
    if (r == primary_amperes) return true;
  }
  return false;
}

// "5, 40, 50, …, 7500": for error messages.
std::string CtRatioList();

}  // namespace pro380::metering

#endif  // PRO380_METERING_CT_RATIO_H_
