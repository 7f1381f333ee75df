#include "app/iec_write.h"

#include <cstdio>

#include "device/iec_readout.h"
#include "device/register_names.h"
#include "device/setting_values.h"

namespace pro380::app {
namespace {

std::string Number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

// The value the meter shows for `entry` now (nullopt: not a number).
Result<std::optional<double>> ReadValue(IecMaster& master, const device::IecEntry& entry) {
  auto set = master.Read(std::string(entry.code));
  if (!set.ok()) return set.status();
  const iec62056::DataSet sets[] = {*set};
  const device::IecReadout readout = device::DecodeIecReadout(sets);
  if (readout.values.size() != 1 || readout.values.front().entry != &entry) {
    return Status::IoError(master.where() + " answered a read of " + std::string(entry.code) +
                           " with " + iec62056::Format(*set));
  }
  return readout.values.front().value;
}

std::string Show(std::optional<double> value) { return value ? Number(*value) : "invalid"; }

}  // namespace

Status ValidateIecWrite(const IecEndpointArgs& args,
                        const std::vector<SettingAssignment>& assignments) {
  if (args.password.empty()) {
    return Status::InvalidArgument(
        "--password: a write over the optical port needs the meter's programming password "
        "(8 digits; 00000000 as delivered)");
  }
  if (args.password.size() > 32 || args.password.find_first_of("()*/!") != std::string::npos ||
      std::ranges::any_of(args.password, [](char c) { return c < 0x20 || c >= 0x7F; })) {
    return Status::InvalidArgument(
        "--password must be at most 32 printable characters without ( ) * / !");
  }
  for (const SettingAssignment& a : assignments) {
    if (device::IecEntryForSetting(*a.def) == nullptr) {
      return Status::InvalidArgument(
          std::string(device::RegisterName(*a.def)) +
          " cannot be written over the optical port (its data set is read-only); write it over "
          "Modbus (--modbus-tcp, --modbus-rtu, --rtu-over-tcp)");
    }
  }
  return Status::Ok();
}

Status WriteIecSettings(const IecEndpointArgs& args, Duration timeout,
                        const std::vector<SettingAssignment>& assignments) {
  auto opened = OpenIecMaster(args, timeout);
  if (!opened.ok()) return opened.status();
  IecMaster& master = **opened;
  if (auto id = master.SignOn(args.address); !id.ok()) return id.status();
  if (auto operand = master.OpenProgramming(); !operand.ok()) return operand.status();
  if (Status password = master.SendPassword(args.password); !password.ok()) return password;
  for (const SettingAssignment& a : assignments) {
    const device::IecEntry& entry = *device::IecEntryForSetting(*a.def);
    const std::string name(device::RegisterName(*a.def));
    const std::string context = name + "=" + a.text;
    auto before = ReadValue(master, entry);
    if (!before.ok()) return before.status().WithContext(context);
    if (Status written = master.Write(std::string(entry.code), Number(a.value)); !written.ok()) {
      return written.WithContext(context);
    }
    auto after = ReadValue(master, entry);
    if (!after.ok()) return after.status().WithContext(context + " read-back");
    const double expected = device::ExpectedReadBack(*a.def, a.value);
    if (!device::ReadBackMatches(*a.def, expected, *after)) {
      return Status::FailedPrecondition(context + ": the meter accepted it but reads back " +
                                        Show(*after) + ", not " + Show(expected));
    }
    std::printf("%s: %s -> %s (verified)\n", name.c_str(), Show(*before).c_str(),
                Show(*after).c_str());
  }
  return master.SignOff();
}

}  // namespace pro380::app
