#include "app/meter_resume.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "app/saved_device_settings.h"
#include "app/wall_clock.h"
#include "metering/meter_state.h"

namespace pro380::app {
namespace {

bool Given(const std::vector<std::string>& given, std::string_view option) {
  for (const std::string& g : given) {
    if (g == option) return true;
  }
  return false;
}

std::string TariffText(metering::Tariff tariff) {
  return tariff == metering::Tariff::kT2 ? "2" : "1";
}

std::string CodeText(metering::CombinedCode code) { return std::to_string(static_cast<int>(code)); }

std::string RateText(const metering::S0Rate& rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", rate.impulses_per_kwh);
  return text;
}

// Brings the command line's meter options to a saved meter (docs/decisions/state.md): the saved
// state wins for everything it holds; an option typed on the command line that disagrees is
// applied through the meter's own setting rules (and logged), or refused when the meter refuses
// it (locked C-10, locked CT ratio) or when it describes another meter (variant, wiring).
// Returns the setting-change events, or InvalidArgument naming the option.
Result<std::vector<storage::Event>> ApplyGivenOptions(const std::vector<std::string>& given,
                                                      const MeterOptions& options,
                                                      const std::string& path,
                                                      metering::Meter& meter) {
  std::vector<storage::Event> events;
  const metering::MeterConfig saved = meter.config();
  const metering::MeterConfig& wanted = options.meter;
  const std::string where = "the meter " + options.serial + " saved in " + path;
  const auto refuse = [&](std::string_view option, const std::string& why) {
    return Status::InvalidArgument("--" + std::string(option) + ": " + where + " " + why +
                                   "; drop the option to keep the saved setting, or use another "
                                   "--state directory");
  };
  const auto changed = [&](const std::string& what, const std::string& from,
                           const std::string& to) {
    events.push_back({WallNow(), meter.now(), options.serial, storage::EventKind::kSettingChange,
                      "cli", "", what + ": " + from + " -> " + to});
  };
  if (Given(given, "--ct")) {
    if (!saved.ct_variant) return refuse("ct", "is a direct meter");
    if (saved.ct_ratio != wanted.ct_ratio) {
      if (saved.ct_locked) {
        return refuse("ct", "has its CT ratio locked at " + std::to_string(saved.ct_ratio));
      }
      if (meter.SetCtRatio(wanted.ct_ratio) != metering::SettingOutcome::kApplied) {
        return refuse("ct", "refuses the ratio");
      }
      changed("ct_ratio", std::to_string(saved.ct_ratio), std::to_string(wanted.ct_ratio));
    }
    if (!meter.config().ct_locked && meter.LockCtRatio() == metering::SettingOutcome::kApplied) {
      events.push_back({WallNow(), meter.now(), options.serial, storage::EventKind::kLock, "cli",
                        "", "ct_ratio locked at " + std::to_string(wanted.ct_ratio)});
    }
  }
  if (Given(given, "--wiring") && wanted.wiring != saved.wiring) {
    return refuse("wiring", "is wired " + std::string(metering::WiringName(saved.wiring)));
  }
  if (Given(given, "--combined-code") && wanted.combined_code != saved.combined_code) {
    if (meter.SetCombinedCode(wanted.combined_code) != metering::SettingOutcome::kApplied) {
      return refuse("combined-code", "has combined code " + CodeText(saved.combined_code) +
                                         ", which is final (C-10)");
    }
    changed("combined_code", CodeText(saved.combined_code), CodeText(wanted.combined_code));
  }
  if (Given(given, "--s0-rate") && !(wanted.s0_rate == saved.s0_rate)) {
    if (meter.SetS0Rate(wanted.s0_rate.impulses_per_kwh) != metering::SettingOutcome::kApplied) {
      return refuse("s0-rate", "refuses the rate");
    }
    changed("s0_rate", RateText(saved.s0_rate), RateText(wanted.s0_rate));
  }
  if (Given(given, "--tariff") && wanted.tariff != saved.tariff) {
    meter.SetTariff(wanted.tariff);
    changed("tariff", TariffText(saved.tariff), TariffText(wanted.tariff));
  }
  return events;
}

// The settings a meter without saved ones starts with: the device defaults, its serial, and the
// Modbus ID of the options (an M-Bus meter's --id is its M-Bus address, not a Modbus ID).
device::DeviceSettings InitialDeviceSettings(const MeterOptions& options) {
  device::DeviceSettings settings;
  uint32_t serial = 0;
  const char* end = options.serial.data() + options.serial.size();
  if (std::from_chars(options.serial.data(), end, serial).ptr == end) {
    settings.serial_number = serial;
  }
  if (options.variant != Variant::kMb && options.id > 0) settings.modbus_id = options.id;
  if (options.variant == Variant::kMb) settings.mbus_primary_address = options.id;
  return settings;
}

}  // namespace

// WritePreset relies on the order T1, T2, L1, L2, L3 inside each register group.
constexpr bool GroupOrder(metering::QuantityId t1, metering::QuantityId l3) {
  return static_cast<int>(l3) - static_cast<int>(t1) == 4;
}
static_assert(GroupOrder(metering::QuantityId::kForwardActiveEnergyT1Kwh,
                         metering::QuantityId::kForwardActiveEnergyL3Kwh));
static_assert(GroupOrder(metering::QuantityId::kReverseActiveEnergyT1Kwh,
                         metering::QuantityId::kReverseActiveEnergyL3Kwh));
static_assert(GroupOrder(metering::QuantityId::kForwardReactiveEnergyT1Kvarh,
                         metering::QuantityId::kForwardReactiveEnergyL3Kvarh));
static_assert(GroupOrder(metering::QuantityId::kReverseReactiveEnergyT1Kvarh,
                         metering::QuantityId::kReverseReactiveEnergyL3Kvarh));

std::string WritePreset(const RegisterPreset& preset, metering::MeterState& state) {
  using metering::QuantityId;
  std::string detail = "preset written:";
  char value[64];
  for (const auto& [id, amount] : preset.energies) {
    const int64_t micro = std::llround(amount * 1e9);  // kWh -> µWh (kvarh -> µvarh)
    if (id == QuantityId::kDayCounterKwh) {
      state.day_counter_uwh = micro;
    } else {
      // The register groups of the quantity table: T1, T2, L1, L2, L3 after each kind and
      // direction's first member (metering/quantity.h).
      struct Group {
        QuantityId first;
        metering::EnergyKind kind;
        metering::Direction direction;
      };
      constexpr Group kGroups[] = {
          {QuantityId::kForwardActiveEnergyT1Kwh, metering::EnergyKind::kActive,
           metering::Direction::kForward},
          {QuantityId::kReverseActiveEnergyT1Kwh, metering::EnergyKind::kActive,
           metering::Direction::kReverse},
          {QuantityId::kForwardReactiveEnergyT1Kvarh, metering::EnergyKind::kReactive,
           metering::Direction::kForward},
          {QuantityId::kReverseReactiveEnergyT1Kvarh, metering::EnergyKind::kReactive,
           metering::Direction::kReverse},
      };
      for (const Group& g : kGroups) {
        const int offset = static_cast<int>(id) - static_cast<int>(g.first);
        if (offset < 0 || offset > 4) continue;
        auto& registers = state.registers[static_cast<int>(g.kind)];
        const int d = static_cast<int>(g.direction);
        if (offset < 2) {
          registers.total[d][offset] = micro;
        } else {
          // A real meter shows a phase's energy without its tariff split: it goes to T1.
          registers.phase[offset - 2][d] = {micro, 0};
        }
      }
    }
    std::snprintf(value, sizeof value, "%.2f", amount);
    detail += " " + std::string(metering::QuantityInfo(id).name) + "=" + value;
  }
  if (preset.power_down_count) {
    state.power_down_count = *preset.power_down_count;
    detail += " power_down_count=" + std::to_string(*preset.power_down_count);
  }
  return detail;
}

Result<StartedMeter> StartMeter(storage::StateStore& store, const MeterOptions& options,
                                const std::vector<std::string>& given_options,
                                const RegisterPreset* preset, TimePoint wall_start) {
  auto saved = store.Load(options.serial);
  if (!saved.ok()) return saved.status();
  StartedMeter started;
  started.resumed = saved->has_value();
  started.settings = InitialDeviceSettings(options);
  if (started.resumed) {
    // Saved settings win; a meter saved without them keeps the initial ones (what it ran with).
    auto settings = LoadSavedDeviceSettings(store, options.serial, started.settings);
    if (!settings.ok()) return settings.status();
    if (settings->has_value()) started.settings = **settings;
    // Meter time never runs backwards: it continues from the saved time or, after an outage,
    // from the host's clock.
    metering::MeterState state = **saved;
    if (state.config.start > wall_start) {
      started.events.push_back({wall_start, state.config.start, options.serial,
                                storage::EventKind::kTimeJump, "app", "",
                                "meter clock is ahead of the host clock by " +
                                    std::to_string(ToSeconds(state.config.start - wall_start)) +
                                    " s; meter time continues from the saved time"});
    } else {
      state.config.start = wall_start;
    }
    started.meter = std::make_unique<metering::Meter>(state);
    auto changes = ApplyGivenOptions(given_options, options, store.path(), *started.meter);
    if (!changes.ok()) return changes.status();
    started.events.insert(started.events.end(), changes->begin(), changes->end());
    // A typed --id is a settings change through the cli interface, like the meter options.
    const int saved_id = started.settings.modbus_id;
    if (Given(given_options, "--id") && options.variant != Variant::kMb && saved_id != options.id) {
      started.settings.modbus_id = options.id;
      started.events.push_back(
          {WallNow(), started.meter->now(), options.serial, storage::EventKind::kSettingChange,
           "cli", "",
           "modbus_id: " + std::to_string(saved_id) + " -> " + std::to_string(options.id)});
    }
    const int saved_address = started.settings.mbus_primary_address;
    if (Given(given_options, "--id") && options.variant == Variant::kMb &&
        saved_address != options.id) {
      started.settings.mbus_primary_address = options.id;
      started.events.push_back({WallNow(), started.meter->now(), options.serial,
                                storage::EventKind::kSettingChange, "cli", "",
                                "mbus_primary_address: " + std::to_string(saved_address) + " -> " +
                                    std::to_string(options.id)});
    }
    started.preset_ignored = preset != nullptr;
  } else {
    metering::MeterConfig config = options.meter;
    config.start = wall_start;
    started.meter = std::make_unique<metering::Meter>(config);
    if (preset != nullptr) {
      metering::MeterState state = started.meter->state();
      const std::string detail = WritePreset(*preset, state);
      if (Status st = metering::ValidateMeterState(state); !st.ok()) {
        return st.WithContext("the preset of meter " + options.serial);
      }
      started.meter = std::make_unique<metering::Meter>(state);
      started.events.push_back(
          {wall_start, wall_start, options.serial, storage::EventKind::kReset, "app", "", detail});
    }
  }
  metering::Meter& meter = *started.meter;
  meter.set_power_down_count(meter.power_down_count() + 1);
  started.events.insert(started.events.begin(),
                        {wall_start, meter.now(), options.serial, storage::EventKind::kPowerUp,
                         "app", "", started.resumed ? "resumed" : "new meter"});
  return started;
}

}  // namespace pro380::app
