// DeviceSettings: what a PRO380 keeps besides the metering engine's settings — identity, line
// settings, display and firmware facts — with the real meter's defaults. The Modbus bank reads
// and writes them; the app owns them, persists them and applies line changes after the reply.
// Every default names its source in reference/pro380-protocols.md.
#ifndef PRO380_DEVICE_DEVICE_SETTINGS_H_
#define PRO380_DEVICE_DEVICE_SETTINGS_H_

#include <array>
#include <cstdint>
#include <optional>

namespace pro380::device {

// Register 0x4011 (§1.3, S1 and S5 PRO_PARITY_OPTIONS). DO NOT RENUMBER: wire values.
enum class Parity : uint8_t { kEven = 1, kNone = 2, kOdd = 3 };

// The baud rates a write to 0x4004 may choose: the union of the lists of §1.10 (S1 lacks 2400,
// which S6, S9 and S11 list; S4 accepts all six).
inline constexpr std::array<int, 6> kBaudRates = {300, 600, 1200, 2400, 4800, 9600};

inline constexpr int kMinModbusId = 1;  // §1.6: "01~247"; 0 is broadcast, not an address
inline constexpr int kMaxModbusId = 247;
inline constexpr int kMinMbusPrimaryAddress = 0;    // appendix 2: "0 = default after manufacture"
inline constexpr int kMaxMbusPrimaryAddress = 250;  // manual appendix 2: "1-250 = primary"
inline constexpr uint32_t kMaxMbusSecondaryAddress = 99'999'999;  // 8 BCD digits
inline constexpr uint32_t kMaxIecPassword = 99'999'999;           // 8 decimal digits

inline constexpr int kMinLcdCycleTimeS = 1;  // §1.6: "01~30"
inline constexpr int kMaxLcdCycleTimeS = 30;

// Manual §6.8.1: "bl btn" (a button press lights it), "bl off", "bl on". DO NOT RENUMBER: stored.
enum class BacklightMode : uint8_t { kButton = 0, kOff = 1, kOn = 2 };

// Page groups that scroll automatically by default (bits of PageGroup, device/lcd_pages.h): the
// direction page, the active energy totals and the instantaneous values — the pages a reader
// of a meter cabinet looks for. The real meter's factory selection is not public
// (docs/display.md).
inline constexpr uint32_t kDefaultLcdScrollGroups = 0b0'1110'0011;

struct DeviceSettings {
  // The printed serial, 8 decimal digits (0x4000 shows them as hex digits, §1.3). 1 is the
  // app's default `--serial 00000001`; a real meter's is its own (the dump's is 22091039).
  uint32_t serial_number = 1;
  // 0x4002. nullopt: 0x0102 for a direct meter, 0x0103 for a CT meter (S5, S6, observed S3);
  // set e.g. 0x2007 to pose as the Solar-Log OEM twin (§1.9).
  std::optional<uint16_t> meter_code;
  int modbus_id = 1;              // §1.1: address 1 by default (S1 "01 default", S5, S8)
  int baud_rate = 9600;           // §1.1: 9600 8E1 (S1, S5, S8, S10)
  Parity parity = Parity::kEven;  // §1.1
  int lcd_cycle_time_s = 10;      // §1.3: 0x0010 = 10 s observed (S3), "10 seconds default" (S6)
  // The page groups that scroll automatically (manual §6.6.4, set "via IR"); see above.
  uint32_t lcd_scroll_groups = kDefaultLcdScrollGroups;
  // Manual §6.8.1; "btn" first in its list, so taken as the factory setting (docs/display.md).
  BacklightMode backlight_mode = BacklightMode::kButton;
  double protocol_version = 3.2;   // §1.3: "3.2 = New Modbus protocol" (S6), observed (S3)
  double software_version = 2.18;  // §1.7: the dumped meter's firmware (S3)
  double hardware_version = 1.32;  // §1.7 (S3)
  uint32_t checksum = 0x0D012D35;  // §1.7: the firmware checksum of that meter (S3)
  int ct_mode = 5;                 // §1.3: 5, even on a direct meter (S3)
  int error_code = 0;              // §1.3: 0x4015 answered 0 (S3)
  // M-Bus (PRO380-Mb, manual appendix 2; product.md "M-Bus"): primary address 0 after
  // manufacture, secondary address preset to the last 8 serial digits (nullopt = that preset),
  // 9600 baud (8E1, fixed) with 300…4800 selectable. The optical port writes them too.
  int mbus_primary_address = 0;
  std::optional<uint32_t> mbus_secondary_address;
  int mbus_baud_rate = 9600;
  // The programming password (P1) of the optical port, 8 digits; 00000000 as delivered
  // (docs/protocols/iec62056.md).
  uint32_t iec_password = 0;

  friend bool operator==(const DeviceSettings&, const DeviceSettings&) = default;
};

// The meter code 0x4002 shows.
constexpr uint16_t MeterCode(const DeviceSettings& settings, bool ct_variant) {
  if (settings.meter_code) return *settings.meter_code;
  return ct_variant ? 0x0103 : 0x0102;
}

// The secondary address the meter answers to: the set one, else the last 8 serial digits.
constexpr uint32_t MbusSecondaryAddress(const DeviceSettings& settings) {
  return settings.mbus_secondary_address.value_or(settings.serial_number % 100'000'000);
}

}  // namespace pro380::device

#endif  // PRO380_DEVICE_DEVICE_SETTINGS_H_
