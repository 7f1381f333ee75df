// Small vocabulary types of the metering engine. Enumerator values that appear on a wire or in
// stored state are fixed: DO NOT RENUMBER.
#ifndef PRO380_METERING_TYPES_H_
#define PRO380_METERING_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pro380::metering {

inline constexpr int kPhaseCount = 3;

enum class Direction : uint8_t { kForward = 0, kReverse = 1 };
inline constexpr int kDirectionCount = 2;

enum class Tariff : uint8_t { kT1 = 0, kT2 = 1 };
inline constexpr int kTariffCount = 2;

enum class EnergyKind : uint8_t { kActive = 0, kReactive = 1 };
inline constexpr int kEnergyKindCount = 2;

enum class Wiring : uint8_t { k3P4W = 0, k3P3W = 1 };

// Manual §6.10: how the "total" energy is formed. Values are the codes shown as C-xx and written
// to Modbus register 0x400F.
enum class CombinedCode : uint8_t {
  kForwardOnly = 1,          // C-01
  kReverseOnly = 4,          // C-04
  kForwardPlusReverse = 5,   // C-05
  kReverseMinusForward = 6,  // C-06
  kForwardMinusReverse = 9,  // C-09: per-phase registers
  kNetted = 10,              // C-10: phases netted instant by instant; can be set once
  kNettedPulses = 11,        // C-11: registers as C-09, S0 outputs netted
};

inline constexpr std::array<CombinedCode, 7> kCombinedCodes = {
    CombinedCode::kForwardOnly,         CombinedCode::kReverseOnly,
    CombinedCode::kForwardPlusReverse,  CombinedCode::kReverseMinusForward,
    CombinedCode::kForwardMinusReverse, CombinedCode::kNetted,
    CombinedCode::kNettedPulses};

// Returns the code for its number (1, 4, 5, 6, 9, 10, 11), or nullopt.
constexpr std::optional<CombinedCode> CombinedCodeFromNumber(int number) {
  for (CombinedCode c : kCombinedCodes) {
    if (static_cast<int>(c) == number) return c;
  }
  return std::nullopt;
}

// Outcome of a settings change requested through any interface.
enum class SettingOutcome : uint8_t {
  kApplied = 0,
  kInvalidValue,  // not one of the allowed values
  kLocked,        // the meter refuses: the setting is locked (C-10, CT ratio) or not applicable
};

std::string_view SettingOutcomeName(SettingOutcome outcome);

// "3p4w" / "3p3w": the wiring's name on the command line, in JSON and in the state store.
constexpr std::string_view WiringName(Wiring wiring) {
  return wiring == Wiring::k3P3W ? "3p3w" : "3p4w";
}
constexpr std::optional<Wiring> WiringFromName(std::string_view name) {
  for (Wiring w : {Wiring::k3P4W, Wiring::k3P3W}) {
    if (WiringName(w) == name) return w;
  }
  return std::nullopt;
}

}  // namespace pro380::metering

#endif  // PRO380_METERING_TYPES_H_
