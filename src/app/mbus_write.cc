#include "app/mbus_write.h"

#include <cmath>
#include <cstdio>

#include "app/exit_status.h"
#include "app/mbus_master.h"
#include "device/iec_setting_writes.h"
#include "device/mbus_readout.h"
#include "device/mbus_writes.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/slave_device.h"

namespace pro380::app {
namespace {

int Fail(const Status& status) { return ReportFailure("write", status); }

struct Assignment {
  std::string text;  // as written
  device::MbusWrite write;
};

Result<std::vector<Assignment>> ParseAssignments(const std::vector<std::string>& texts) {
  if (texts.empty()) {
    return Status::InvalidArgument("give at least one SETTING=VALUE; M-Bus writes " +
                                   device::MbusWritableSettingNames());
  }
  std::vector<Assignment> parsed;
  for (const std::string& text : texts) {
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos) {
      return Status::InvalidArgument("'" + text + "' is not SETTING=VALUE");
    }
    const std::string name = text.substr(0, equals);
    auto write = device::MbusSettingWrite(name, text.substr(equals + 1));
    if (!write.ok() && device::FindIecOnlySetting(name) != nullptr && !name.starts_with("mbus_")) {
      return Status::InvalidArgument(name +
                                     " cannot be written over M-Bus; the optical port writes it "
                                     "(--iec, --iec-tcp with --password)");
    }
    if (!write.ok()) return write.status();
    parsed.push_back({text, std::move(*write)});
  }
  return parsed;
}

// Where the meter is: its primary address, or its secondary address (selected before each
// readout and write, the A field then 253).
struct Target {
  std::optional<mbus::SecondaryMask> secondary;
  uint8_t primary = 0;
  uint8_t address() const { return secondary ? mbus::kAddressSecondary : primary; }
};

struct Snapshot {
  uint8_t status = 0;
  device::MbusReadout values;
};

Status Address(MbusMaster& master, const Target& target) {
  return target.secondary ? master.Select(*target.secondary) : master.Reset(target.primary);
}

Result<Snapshot> ReadMeter(MbusMaster& master, const Target& target) {
  if (Status s = Address(master, target); !s.ok()) return s;
  auto readout = master.ReadOut(target.address());
  if (!readout.ok()) return readout.status();
  auto values = device::DecodeMbusReadout(readout->records);
  if (!values.ok()) return values.status();
  return Snapshot{readout->header.status, std::move(*values)};
}

// The value of `name` as text ("5", "12345678", "1000"), "missing" when the readout lacks it.
std::string Shown(const Snapshot& snapshot, const std::string& name, std::optional<double>* out) {
  for (const device::MbusReadoutValue& v : snapshot.values.values) {
    if (v.name != name) continue;
    if (out != nullptr) *out = v.value;
    if (!v.text.empty()) return v.text;
    if (!v.value) return "invalid";
    char text[32];
    std::snprintf(text, sizeof text, "%g", *v.value);
    return text;
  }
  return "missing";
}

bool Matches(const device::MbusWrite& write, std::optional<double> got) {
  if (!got) return false;
  if (write.name == "day_counter_kwh") {  // it counts again from the reset on
    return *got >= write.value && *got <= write.value + 0.01 + 1e-9;
  }
  return std::fabs(*got - write.value) <= 1e-6 * std::max(1.0, std::fabs(write.value));
}

}  // namespace

std::optional<transport::SerialSettings> MbusLineAfter(
    const device::MbusWrite& write, const std::optional<transport::SerialSettings>& line) {
  const int baud = mbus::BaudOfCi(write.ci);
  if (!line || write.name != "mbus_baud_rate" || baud == 0) return std::nullopt;
  if (line->baud == static_cast<uint32_t>(baud)) return std::nullopt;
  transport::SerialSettings after = *line;
  after.baud = static_cast<uint32_t>(baud);
  return after;
}

int RunMbusWrite(const ClientEndpointArgs& endpoint, const std::vector<std::string>& texts) {
  auto assignments = ParseAssignments(texts);
  if (!assignments.ok()) return Fail(assignments.status());
  auto opened = OpenMbusMaster(endpoint.mbus, ClientTimeout(endpoint), endpoint.retries);
  if (!opened.ok()) return Fail(opened.status());
  MbusMaster& master = **opened;
  Target target{MbusSecondary(endpoint.mbus),
                static_cast<uint8_t>(MbusPrimaryAddress(endpoint.mbus, endpoint.id))};
  for (const Assignment& a : *assignments) {
    const std::string& name = a.write.name;
    auto before = ReadMeter(master, target);
    if (!before.ok()) return Fail(before.status().WithContext(a.text));
    if (Status s = Address(master, target); !s.ok()) return Fail(s.WithContext(a.text));
    if (Status s = master.Send(target.address(), a.write.ci, a.write.data); !s.ok()) {
      return Fail(s.WithContext(a.text));
    }
    // The meter hears only its new rate from its E5 on (docs/protocols/mbus.md): so must we.
    if (auto line = MbusLineAfter(a.write, master.link().serial_settings())) {
      if (Status switched = master.link().SwitchSerialSettings(*line); !switched.ok()) {
        return Fail(switched.WithContext(a.text + ": switching the client's line"));
      }
      std::printf("%s: the client's line is now %s\n", name.c_str(),
                  transport::ToString(*line).c_str());
    }
    // A new address is the meter's from the next request on. If nobody answers there, the old
    // address tells whether the meter refused (its status byte) or ignored the write.
    Target next = target;
    if (name == "mbus_primary_address" && !target.secondary) {
      next.primary = static_cast<uint8_t>(a.write.value);
    }
    if (name == "mbus_secondary_address" && target.secondary) {
      // The new ID, exactly; a fabrication number and the mode stay part of the selection.
      next.secondary->digits =
          mbus::SecondaryMask::ForId(static_cast<uint32_t>(a.write.value)).digits;
    }
    auto after = ReadMeter(master, next);
    const bool moved = next.address() != target.address() || next.secondary != target.secondary;
    if (!after.ok() && moved && master.last_failure() == TransactionFailure::kNoReply) {
      auto old = ReadMeter(master, target);
      if (old.ok() && (old->status & mbus::kStatusApplicationError) == 0) {
        return Fail(Status::FailedPrecondition(a.text +
                                               ": the meter acknowledged it but still answers "
                                               "at its old address"));
      }
      if (old.ok()) after = std::move(old);
    }
    if (!after.ok() && name == "mbus_baud_rate" && !master.link().serial_settings()) {
      return Fail(after.status().WithContext(
          a.text + " read-back (over TCP the gateway's line keeps its rate: set the gateway to " +
          a.text.substr(a.text.find('=') + 1) + " baud too)"));
    }
    if (!after.ok()) return Fail(after.status().WithContext(a.text + " read-back"));
    if ((after->status & mbus::kStatusApplicationError) != 0) {
      return Fail(Status::FailedPrecondition(
          a.text + ": the meter refused it (status byte " + std::to_string(after->status) +
          ": application error; a sealed meter or a value it does not take)"));
    }
    target = next;
    std::optional<double> got;
    const std::string shown = Shown(*after, name, &got);
    if (!Matches(a.write, got)) {
      return Fail(Status::FailedPrecondition(
          a.text + ": the meter acknowledged it but reads back " + shown));
    }
    std::printf("%s: %s -> %s (verified)\n", name.c_str(), Shown(*before, name, nullptr).c_str(),
                shown.c_str());
  }
  return kExitOk;
}

}  // namespace pro380::app
