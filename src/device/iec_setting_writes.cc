#include "device/iec_setting_writes.h"

#include <array>
#include <charconv>

#include "device/device_settings.h"
#include "device/lcd_pages.h"

namespace pro380::device {
namespace {

constexpr std::array kIecOnlySettings = {
    IecOnlySetting{"lcd_scroll_groups", IecValue::kScrollPages, 0, kAllPageGroups, false,
                   "0..511 (a bit per page group that scrolls, docs/display.md)"},
    IecOnlySetting{"backlight_mode", IecValue::kBacklight, 0,
                   static_cast<uint32_t>(BacklightMode::kOn), false,
                   "0 (on while a button is used), 1 (off), 2 (on)"},
    IecOnlySetting{"mbus_primary_address", IecValue::kMbusPrimaryAddress, 0,
                   static_cast<uint32_t>(kMaxMbusPrimaryAddress), false, "0..250"},
    IecOnlySetting{"mbus_secondary_address", IecValue::kMbusSecondaryAddress, 0,
                   kMaxMbusSecondaryAddress, true, "8 digits"},
    IecOnlySetting{"iec_password", IecValue::kPassword, 0, kMaxIecPassword, true, "8 digits"},
};

// Every optical-only setting has a writable entry of the data set, under its readout name.
constexpr bool EveryOneHasAWritableEntry() {
  for (const IecOnlySetting& setting : kIecOnlySettings) {
    bool found = false;
    for (const IecEntry& entry : kIecDataSet) {
      if (entry.value == setting.value && entry.writable()) found = true;
    }
    if (!found) return false;
  }
  return true;
}
static_assert(EveryOneHasAWritableEntry());

const IecEntry* EntryOf(IecValue value) {
  for (const IecEntry& entry : kIecDataSet) {
    if (entry.value == value && entry.writable()) return &entry;
  }
  return nullptr;
}

}  // namespace

const IecOnlySetting* FindIecOnlySetting(std::string_view name) {
  for (const IecOnlySetting& setting : kIecOnlySettings) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

std::string IecOnlySettingNames() {
  std::string names;
  for (const IecOnlySetting& setting : kIecOnlySettings) {
    if (!names.empty()) names += ", ";
    names += setting.name;
  }
  return names;
}

Result<IecOnlyWrite> IecOnlySettingWrite(const IecOnlySetting& setting, std::string_view text) {
  const auto refuse = [&] {
    return Status::InvalidArgument(std::string(setting.name) + "=" + std::string(text) +
                                   ": allowed values are " + std::string(setting.allowed));
  };
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return refuse();
  }
  if (setting.eight_digits && text.size() != 8) return refuse();
  uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return refuse();
  if (value < setting.min || value > setting.max) return refuse();
  std::string sent = setting.eight_digits ? std::string(text) : std::to_string(value);
  return IecOnlyWrite{&setting, EntryOf(setting.value), std::move(sent), value};
}

}  // namespace pro380::device
