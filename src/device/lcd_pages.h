// The PRO380's LCD pages as a typed constexpr table built from the quantity table
// (docs/display.md). Page numbers follow reference pro380-protocols.md §1.8 (S6 "LCD page"
// column): P02–P37 energies, P38–P56 instantaneous values, P58 CT rate, P59 S0 rate, P60
// combined code, P61 meter ID, P62 serial, P63 scroll time, P64 baud rate. The sources leave
// P01, P57, P65 and P66 unnamed; pro380 gives them the pages the manual describes without a
// number: P01 the power-on direction page (manual §6.5), P57 the day counter "kWh 0" (§6.8.2),
// P65 the backlight page "BL" (§6.8.1), P66 the diagnostics field "S" (§7.1).
#ifndef PRO380_DEVICE_LCD_PAGES_H_
#define PRO380_DEVICE_LCD_PAGES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "metering/quantity.h"

namespace pro380::device {

enum class PageKind : uint8_t {
  kDirection,     // P01: FW/RV per phase
  kQuantity,      // a quantity of the quantity table with a unit (energies, V, A, kW, kVA, PF, Hz)
  kDayCounter,    // P57 "kWh 0": resettable by holding the right button 5 s (§6.8.3)
  kCtRatio,       // P58: CT meters only
  kS0Rate,        // P59
  kCombinedCode,  // P60 "C-xx"
  kMeterId,       // P61: Modbus/M-Bus meters only; both buttons 5 s to change (appendix 3)
  kSerial,        // P62
  kScrollTime,    // P63 "rt": any button 5 s to change (§6.6.2)
  kBaudRate,      // P64: Modbus/M-Bus meters only
  kBacklight,     // P65 "BL": right button 5 s to change (§6.8.1)
  kDiagnostics,   // P66 "S" + 5 digits (§7.1)
};

// Groups of pages that are switched on or off together for automatic scrolling (the manual's
// "data tables", §6.6.4). The value is the bit number in DeviceSettings::lcd_scroll_groups.
// DO NOT RENUMBER: stored.
enum class PageGroup : uint8_t {
  kDirection = 0,             // P01
  kActiveEnergy = 1,          // P02–P10
  kActiveEnergyPhases = 2,    // P11–P19
  kReactiveEnergy = 3,        // P20–P28
  kReactiveEnergyPhases = 4,  // P29–P37
  kVoltageCurrent = 5,        // P38–P43
  kPower = 6,                 // P44–P51
  kPowerFactorFrequency = 7,  // P52–P56
  kSettings = 8,              // P57–P66
};
inline constexpr int kPageGroupCount = 9;
inline constexpr uint32_t kAllPageGroups = (1u << kPageGroupCount) - 1;

// Which meters have a page.
enum class PageAvailability : uint8_t { kAll, kCtOnly, kBusOnly };

struct LcdPage {
  int number;  // n of "Pnn"
  PageKind kind;
  metering::QuantityId quantity;  // kQuantity and kDayCounter pages; kCount otherwise
  int8_t decimals;                // kQuantity pages: the places shown (energies: at most)
  PageGroup group;
  PageAvailability availability = PageAvailability::kAll;
};

namespace lcd_pages_internal {

using metering::QuantityId;

constexpr QuantityId Offset(QuantityId base, int offset) {
  return static_cast<QuantityId>(static_cast<int>(base) + offset);
}

// P02–P37. Within a kind (active from P02, reactive from P20): total, T1, T2 of the total,
// forward and reverse registers (9 pages), then per phase total, forward, reverse (9 pages).
// The quantity table holds, per kind, the blocks total / forward / reverse, each ordered total,
// T1, T2, L1, L2, L3.
constexpr LcdPage EnergyPage(int number) {
  const int index = number - 2;
  const bool reactive = index >= 18;
  const int within = index % 18;
  int block = 0;   // 0 total, 1 forward, 2 reverse
  int member = 0;  // 0 total, 1 T1, 2 T2, 3 L1, 4 L2, 5 L3
  if (within < 9) {
    block = within / 3;
    member = within % 3;
  } else {
    block = (within - 9) % 3;
    member = 3 + (within - 9) / 3;
  }
  const QuantityId base =
      reactive ? QuantityId::kReactiveEnergyKvarh : QuantityId::kActiveEnergyKwh;
  const PageGroup group =
      reactive ? (within < 9 ? PageGroup::kReactiveEnergy : PageGroup::kReactiveEnergyPhases)
               : (within < 9 ? PageGroup::kActiveEnergy : PageGroup::kActiveEnergyPhases);
  return {number, PageKind::kQuantity, Offset(base, block * 6 + member), 2, group};
}

constexpr LcdPage Instantaneous(int number, QuantityId quantity, int8_t decimals, PageGroup group) {
  return {number, PageKind::kQuantity, quantity, decimals, group};
}

constexpr LcdPage Setting(int number, PageKind kind,
                          PageAvailability availability = PageAvailability::kAll) {
  return {number, kind, QuantityId::kCount, 0, PageGroup::kSettings, availability};
}

constexpr std::array<LcdPage, 66> BuildPages() {
  std::array<LcdPage, 66> pages{};
  pages[0] = {1, PageKind::kDirection, QuantityId::kCount, 0, PageGroup::kDirection};
  for (int n = 2; n <= 37; ++n) pages[n - 1] = EnergyPage(n);
  // P38–P56: the decimals are the device's resolution, as in the Modbus map.
  constexpr auto kVc = PageGroup::kVoltageCurrent;
  constexpr auto kPw = PageGroup::kPower;
  constexpr auto kPf = PageGroup::kPowerFactorFrequency;
  for (int k = 0; k < 3; ++k) {
    pages[37 + k] = Instantaneous(38 + k, Offset(QuantityId::kVoltageL1V, k), 1, kVc);
    pages[40 + k] = Instantaneous(41 + k, Offset(QuantityId::kCurrentL1A, k), 2, kVc);
  }
  for (int k = 0; k < 4; ++k) {
    pages[43 + k] = Instantaneous(44 + k, Offset(QuantityId::kActivePowerKw, k), 3, kPw);
    pages[47 + k] = Instantaneous(48 + k, Offset(QuantityId::kApparentPowerKva, k), 3, kPw);
    pages[51 + k] = Instantaneous(52 + k, Offset(QuantityId::kPowerFactor, k), 2, kPf);
  }
  pages[55] = Instantaneous(56, QuantityId::kFrequencyHz, 2, kPf);
  pages[56] = {57, PageKind::kDayCounter, QuantityId::kDayCounterKwh, 2, PageGroup::kSettings};
  pages[57] = Setting(58, PageKind::kCtRatio, PageAvailability::kCtOnly);
  pages[58] = Setting(59, PageKind::kS0Rate);
  pages[59] = Setting(60, PageKind::kCombinedCode);
  pages[60] = Setting(61, PageKind::kMeterId, PageAvailability::kBusOnly);
  pages[61] = Setting(62, PageKind::kSerial);
  pages[62] = Setting(63, PageKind::kScrollTime);
  pages[63] = Setting(64, PageKind::kBaudRate, PageAvailability::kBusOnly);
  pages[64] = Setting(65, PageKind::kBacklight);
  pages[65] = Setting(66, PageKind::kDiagnostics);
  return pages;
}

}  // namespace lcd_pages_internal

inline constexpr std::array<LcdPage, 66> kLcdPages = lcd_pages_internal::BuildPages();

constexpr bool PagesAreNumberedInOrder() {
  for (std::size_t i = 0; i < kLcdPages.size(); ++i) {
    if (kLcdPages[i].number != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(PagesAreNumberedInOrder(), "kLcdPages[i] must be page P(i+1)");

// Quantity pages show a quantity with a unit; every other page shows none.
constexpr bool PageBindingsAreWellFormed() {
  for (const LcdPage& page : kLcdPages) {
    const bool has_quantity = page.quantity != metering::QuantityId::kCount;
    const bool wants_quantity =
        page.kind == PageKind::kQuantity || page.kind == PageKind::kDayCounter;
    if (has_quantity != wants_quantity) return false;
  }
  return true;
}
static_assert(PageBindingsAreWellFormed());

// Each energy quantity of the 0x6000 block (36 registers) has exactly one page.
constexpr bool EveryEnergyRegisterHasOnePage() {
  for (int q = static_cast<int>(metering::QuantityId::kActiveEnergyKwh);
       q <= static_cast<int>(metering::QuantityId::kReverseReactiveEnergyL3Kvarh); ++q) {
    int count = 0;
    for (const LcdPage& page : kLcdPages) count += static_cast<int>(page.quantity) == q;
    if (count != 1) return false;
  }
  return true;
}
static_assert(EveryEnergyRegisterHasOnePage());

constexpr const LcdPage& PageInfo(int number) { return kLcdPages[number - 1]; }
constexpr bool IsPageNumber(int number) {
  return number >= 1 && number <= static_cast<int>(kLcdPages.size());
}

// What a quantity page's symbols show, derived from the quantity's canonical name and unit.
struct PageMarks {
  int phase = 0;   // 1..3 for an L1..L3 quantity, 0 otherwise
  int tariff = 0;  // 1 or 2 for a T1/T2 register, 0 otherwise
  bool forward = false;
  bool reverse = false;
};
PageMarks MarksOf(metering::QuantityId quantity);

// "P02".
std::array<char, 4> PageLabel(int number);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_LCD_PAGES_H_
