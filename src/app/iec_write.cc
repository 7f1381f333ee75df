#include "app/iec_write.h"

#include <algorithm>
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

// What the meter shows for `entry` now: the value (nullopt: not a number) and its text for
// codes (the 8-digit secondary address).
Result<device::IecReadoutValue> ReadEntry(IecMaster& master, const device::IecEntry& entry) {
  auto set = master.Read(std::string(entry.code));
  if (!set.ok()) return set.status();
  const iec62056::DataSet sets[] = {*set};
  const device::IecReadout readout = device::DecodeIecReadout(sets);
  if (readout.values.size() != 1 || readout.values.front().entry != &entry) {
    return Status::IoError(master.where() + " answered a read of " + std::string(entry.code) +
                           " with " + iec62056::Format(*set));
  }
  return readout.values.front();
}

std::string Show(std::optional<double> value) { return value ? Number(*value) : "invalid"; }
std::string Show(const device::IecReadoutValue& v) {
  return v.text.empty() ? Show(v.value) : v.text;
}

// A new session on the same line signed on with `password`: the check that the meter took it.
Status SignOnWith(IecMaster& master, const IecEndpointArgs& args, const std::string& password) {
  if (Status off = master.SignOff(); !off.ok()) return off;
  if (auto id = master.SignOn(args.address); !id.ok()) return id.status();
  if (auto operand = master.OpenProgramming(); !operand.ok()) return operand.status();
  return master.SendPassword(password);
}

// R1, W1, R1 of a Modbus setting; the line printed when the read-back matches.
Status WriteModbusSetting(IecMaster& master, const SettingAssignment& a,
                          const std::string& context) {
  const device::IecEntry& entry = *device::IecEntryForSetting(*a.def);
  const std::string name(device::RegisterName(*a.def));
  auto before = ReadEntry(master, entry);
  if (!before.ok()) return before.status().WithContext(context);
  if (Status written = master.Write(std::string(entry.code), Number(a.value)); !written.ok()) {
    return written.WithContext(context);
  }
  auto after = ReadEntry(master, entry);
  if (!after.ok()) return after.status().WithContext(context + " read-back");
  const double expected = device::ExpectedReadBack(*a.def, a.value);
  if (!device::ReadBackMatches(*a.def, expected, after->value)) {
    return Status::FailedPrecondition(context + ": the meter accepted it but reads back " +
                                      Show(after->value) + ", not " + Show(expected));
  }
  std::printf("%s: %s -> %s (verified)\n", name.c_str(), Show(before->value).c_str(),
              Show(after->value).c_str());
  return Status::Ok();
}

// R1, W1, R1 of a setting only the optical port writes; the password (not readable) is W1 and
// a new session signed on with it.
Status WriteOpticalSetting(IecMaster& master, const IecEndpointArgs& args,
                           const device::IecOnlyWrite& w, const std::string& context) {
  const std::string name(w.setting->name);
  const std::string code(w.entry->code);
  if (!w.entry->readable()) {
    if (Status written = master.Write(code, w.sent); !written.ok()) {
      return written.WithContext(context);
    }
    if (Status again = SignOnWith(master, args, w.sent); !again.ok()) {
      return again.WithContext(context +
                               ": the meter acknowledged it, but a new session "
                               "signing on with it");
    }
    std::printf("%s: changed (verified: a new session signs on with it)\n", name.c_str());
    return Status::Ok();
  }
  auto before = ReadEntry(master, *w.entry);
  if (!before.ok()) return before.status().WithContext(context);
  if (Status written = master.Write(code, w.sent); !written.ok()) {
    return written.WithContext(context);
  }
  auto after = ReadEntry(master, *w.entry);
  if (!after.ok()) return after.status().WithContext(context + " read-back");
  if (!after->value || *after->value != static_cast<double>(w.value)) {
    return Status::FailedPrecondition(context + ": the meter accepted it but reads back " +
                                      Show(*after) + ", not " + w.sent);
  }
  std::printf("%s: %s -> %s (verified)\n", name.c_str(), Show(*before).c_str(),
              Show(*after).c_str());
  return Status::Ok();
}

}  // namespace

Result<std::vector<IecAssignment>> ParseIecAssignments(const std::vector<std::string>& texts) {
  if (texts.empty()) {
    return Status::InvalidArgument(
        "give at least one SETTING=VALUE; writable: " + device::WritableSettingNames() +
        "; over the optical port also " + device::IecOnlySettingNames());
  }
  std::vector<IecAssignment> parsed;
  for (const std::string& text : texts) {
    auto split = SplitAssignment(text);
    if (!split.ok()) return split.status();
    if (const device::IecOnlySetting* only = device::FindIecOnlySetting(split->first)) {
      auto write = device::IecOnlySettingWrite(*only, split->second);
      if (!write.ok()) return write.status();
      parsed.push_back({text, std::nullopt, std::move(*write)});
      continue;
    }
    auto modbus = ParseSettingAssignment(text);
    if (!modbus.ok()) {
      if (device::FindWritableSetting(split->first) != nullptr) return modbus.status();
      return Status::InvalidArgument(std::string(modbus.status().message()) +
                                     "; over the optical port also " +
                                     device::IecOnlySettingNames());
    }
    parsed.push_back({text, std::move(*modbus), std::nullopt});
  }
  return parsed;
}

Status ValidateIecWrite(const IecEndpointArgs& args,
                        const std::vector<IecAssignment>& assignments) {
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
  for (const IecAssignment& a : assignments) {
    if (a.modbus && device::IecEntryForSetting(*a.modbus->def) == nullptr) {
      return Status::InvalidArgument(
          std::string(device::RegisterName(*a.modbus->def)) +
          " cannot be written over the optical port (its data set is read-only); write it over "
          "Modbus (--modbus-tcp, --modbus-rtu, --rtu-over-tcp)");
    }
  }
  return Status::Ok();
}

Status WriteIecSettings(const IecEndpointArgs& args, Duration timeout,
                        const std::vector<IecAssignment>& assignments) {
  auto opened = OpenIecMaster(args, timeout);
  if (!opened.ok()) return opened.status();
  IecMaster& master = **opened;
  if (auto id = master.SignOn(args.address); !id.ok()) return id.status();
  if (auto operand = master.OpenProgramming(); !operand.ok()) return operand.status();
  if (Status password = master.SendPassword(args.password); !password.ok()) return password;
  for (const IecAssignment& a : assignments) {
    const Status written = a.modbus ? WriteModbusSetting(master, *a.modbus, a.text)
                                    : WriteOpticalSetting(master, args, *a.optical, a.text);
    if (!written.ok()) return written;
  }
  return master.SignOff();
}

}  // namespace pro380::app
