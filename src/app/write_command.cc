#include "app/write_command.h"

#include <cmath>
#include <cstdio>
#include <optional>

#include "app/exit_status.h"
#include "app/iec_write.h"
#include "app/mbus_write.h"
#include "app/setting_assignment.h"
#include "device/device_settings.h"
#include "device/modbus_readout.h"
#include "device/register_names.h"
#include "device/setting_values.h"

namespace pro380::app {
namespace {

int Fail(const Status& status) { return ReportFailure("write", status); }

Result<std::vector<SettingAssignment>> ParseAssignments(const std::vector<std::string>& texts) {
  if (texts.empty()) {
    return Status::InvalidArgument("give at least one SETTING=VALUE; writable: " +
                                   device::WritableSettingNames());
  }
  std::vector<SettingAssignment> parsed;
  for (const std::string& text : texts) {
    auto assignment = ParseSettingAssignment(text);
    if (!assignment.ok()) return assignment.status();
    parsed.push_back(std::move(*assignment));
  }
  return parsed;
}

// The value the meter shows now for `def` (nullopt: invalid words).
Result<std::optional<double>> ReadSetting(ModbusMaster& master, uint8_t id,
                                          const device::RegisterDef& def) {
  auto words = master.ReadHolding(id, def.address, def.count());
  if (!words.ok()) return words.status();
  const auto values = device::DecodeReadoutBlock({def.address, def.count()}, *words);
  if (values.size() != 1) return Status::Internal("no entry at the setting's address");
  return values.front().value;
}

std::string Show(std::optional<double> value) {
  if (!value) return "invalid";
  char text[32];
  std::snprintf(text, sizeof text, "%g", *value);
  return text;
}

// The serial settings the meter's line has after `a` was written, when `a` changes them and the
// client is on a serial line itself (nullopt otherwise).
std::optional<transport::SerialSettings> LineAfter(const SettingAssignment& a,
                                                   const transport::ClientLink& link) {
  if (!link.serial_settings()) return std::nullopt;
  transport::SerialSettings line = *link.serial_settings();
  if (a.def->device == device::DeviceValue::kBaudRate) {
    line.baud = static_cast<uint32_t>(a.value);
  } else if (a.def->device == device::DeviceValue::kParity) {
    switch (static_cast<device::Parity>(static_cast<int>(a.value))) {
      case device::Parity::kEven:
        line.parity = transport::SerialParity::kEven;
        break;
      case device::Parity::kNone:
        line.parity = transport::SerialParity::kNone;
        break;
      case device::Parity::kOdd:
        line.parity = transport::SerialParity::kOdd;
        break;
    }
  } else {
    return std::nullopt;
  }
  if (line == *link.serial_settings()) return std::nullopt;
  return line;
}

}  // namespace

CLI::App* AddWriteCommand(CLI::App& app, WriteArgs& args) {
  CLI::App* cmd = app.add_subcommand(
      "write",
      "Change settings of a PRO380 over Modbus (FC10), M-Bus (SND_UD) or the optical port (W1) "
      "and verify them by reading back");
  AddClientEndpointOptions(*cmd, args.endpoint);
  cmd->add_option("--password", args.endpoint.iec.password,
                  "optical port: the programming password (P1)");
  cmd->add_option("assignments", args.assignments,
                  "SETTING=VALUE ... (modbus_id, baud_rate, parity, lcd_cycle_time_s, s0_rate, "
                  "combined_code, power_down_count, tariff, day_counter_kwh; M-Bus: "
                  "mbus_primary_address, mbus_secondary_address, mbus_baud_rate, s0_rate, "
                  "day_counter_kwh; optical port also: lcd_scroll_groups, backlight_mode, "
                  "mbus_primary_address, mbus_secondary_address, iec_password)");
  return cmd;
}

int RunWrite(const WriteArgs& args) {
  if (Status valid = ValidateClientEndpoint(args.endpoint); !valid.ok()) return Fail(valid);
  if (MbusGiven(args.endpoint.mbus)) return RunMbusWrite(args.endpoint, args.assignments);
  if (IecGiven(args.endpoint.iec)) {
    auto assignments = ParseIecAssignments(args.assignments);
    if (!assignments.ok()) return Fail(assignments.status());
    if (Status valid = ValidateIecWrite(args.endpoint.iec, *assignments); !valid.ok()) {
      return Fail(valid);
    }
    const Status written =
        WriteIecSettings(args.endpoint.iec, ClientTimeout(args.endpoint), *assignments);
    return written.ok() ? kExitOk : Fail(written);
  }
  auto assignments = ParseAssignments(args.assignments);
  if (!assignments.ok()) return Fail(assignments.status());
  auto master = OpenModbusMaster(args.endpoint);
  if (!master.ok()) return Fail(master.status());
  auto id = static_cast<uint8_t>(args.endpoint.id);
  for (const SettingAssignment& a : *assignments) {
    const std::string name(device::RegisterName(*a.def));
    auto before = ReadSetting(**master, id, *a.def);
    if (!before.ok()) return Fail(before.status());
    const std::vector<uint16_t> words = device::EncodeSettingWords(*a.def, a.value);
    if (Status written = (*master)->WriteMultiple(id, a.def->address, words); !written.ok()) {
      return Fail(written.WithContext(name + "=" + a.text));
    }
    // A new ID is the meter's from the next request on (§1.6; docs/protocols/modbus.md).
    if (a.def->device == device::DeviceValue::kModbusId) id = static_cast<uint8_t>(a.value);
    // The meter answers at its new baud rate or parity from its reply on (§1.10): so must we.
    if (auto line = LineAfter(a, (*master)->link())) {
      if (Status switched = (*master)->link().SwitchSerialSettings(*line); !switched.ok()) {
        return Fail(switched.WithContext(name + "=" + a.text + ": switching the client's line"));
      }
      std::printf("%s: the client's line is now %s\n", name.c_str(),
                  transport::ToString(*line).c_str());
    }
    auto after = ReadSetting(**master, id, *a.def);
    if (!after.ok()) return Fail(after.status().WithContext(name + "=" + a.text + " read-back"));
    const double expected = device::ExpectedReadBack(*a.def, a.value);
    if (!device::ReadBackMatches(*a.def, expected, *after)) {
      return Fail(Status::FailedPrecondition(name + "=" + a.text +
                                             ": the meter accepted it but reads back " +
                                             Show(*after) + ", not " + Show(expected)));
    }
    std::printf("%s: %s -> %s (verified)\n", name.c_str(), Show(*before).c_str(),
                Show(*after).c_str());
  }
  return kExitOk;
}

}  // namespace pro380::app
