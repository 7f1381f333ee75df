// The S0 output rates of manual §5 and the pulse-width table that goes with them.
#ifndef PRO380_METERING_S0_RATE_H_
#define PRO380_METERING_S0_RATE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/time.h"

namespace pro380::metering {

// An S0 rate is stored as the energy of one pulse in µWh; every rate of the manual is a whole
// number of µWh, so pulse generation is exact integer arithmetic.
struct S0Rate {
  double impulses_per_kwh;
  int64_t uwh_per_pulse;

  friend bool operator==(const S0Rate&, const S0Rate&) = default;
};

// Manual §5 "Pulse output rate": 10.000, 2.000, 1.000, 100, 10, 1, 0.1 or 0.01 imp/kWh.
inline constexpr std::array<S0Rate, 8> kS0Rates = {{
    {10000, 100'000},
    {2000, 500'000},
    {1000, 1'000'000},
    {100, 10'000'000},
    {10, 100'000'000},
    {1, 1'000'000'000},
    {0.1, 10'000'000'000},
    {0.01, 100'000'000'000},
}};
static_assert(kS0Rates[2].impulses_per_kwh * kS0Rates[2].uwh_per_pulse == 1e9);

inline constexpr S0Rate kDefaultS0Rate = kS0Rates[2];  // 1000 imp/kWh (real dump, reg 0x400D)

// The test LEDs flash 10 000 times per kWh (kvarh), manual §5 and §6.1.
inline constexpr int64_t kLedUwhPerPulse = 100'000;

// Returns the rate whose imp/kWh equals `impulses_per_kwh` (relative tolerance 1e-6), or nullopt.
std::optional<S0Rate> S0RateFromImpulses(double impulses_per_kwh);

// "10000, 2000, 1000, 100, 10, 1, 0.1, 0.01": for error messages.
std::string_view S0RateList();

// Manual §5 "Pulse width" for the S0 outputs: by rate and by the power feeding the output.
Duration S0PulseWidth(const S0Rate& rate, double power_w);

// The LED flash length. The manual gives none; 1 ms keeps flashes apart up to 180 kW.
inline constexpr Duration kLedPulseWidth = std::chrono::milliseconds(1);

}  // namespace pro380::metering

#endif  // PRO380_METERING_S0_RATE_H_
