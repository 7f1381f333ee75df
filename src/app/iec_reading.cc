#include "app/iec_reading.h"

#include <cmath>

#include "device/iec_readout.h"

namespace pro380::app {
namespace {

ReadingEntry EntryOf(const device::IecReadoutValue& v) {
  const device::IecEntry& e = *v.entry;
  ReadingEntry entry;
  entry.name = std::string(device::IecEntryName(e));
  entry.unit = std::string(e.unit);
  entry.quantity = e.shows_quantity();
  entry.decimals = e.decimals;
  entry.value = v.value;
  entry.text = v.text;
  const bool whole = v.value && *v.value == std::trunc(*v.value);
  if (e.shows_quantity()) {
    // As the Modbus readout: counts are integers, device quantities when they are whole.
    const metering::QuantityKind kind = metering::QuantityInfo(e.quantity).kind;
    entry.integral = kind == metering::QuantityKind::kOutput ||
                     (kind == metering::QuantityKind::kDevice && whole);
  } else {
    entry.integral = whole;
  }
  return entry;
}

Result<Reading> ReadOnce(IecMaster& master, const IecEndpointArgs& args) {
  auto identification = master.SignOn(args.address);
  if (!identification.ok()) return identification.status();
  auto sets = master.Readout();
  if (!sets.ok()) return sets.status();
  const device::IecReadout readout = device::DecodeIecReadout(*sets);
  Reading reading;
  reading.title = "PRO380 /" + identification->manufacturer + identification->baud_character +
                  identification->identification + " at " + master.where();
  reading.meter["endpoint"] = master.where();
  reading.meter["address"] = args.address;
  reading.meter["identification"] = identification->manufacturer + identification->baud_character +
                                    identification->identification;
  for (const device::IecReadoutValue& v : readout.values) {
    // The device address is the serial number (docs/protocols/iec62056.md): shown once.
    if (v.entry->value == device::IecValue::kDeviceAddress) continue;
    reading.entries.push_back(EntryOf(v));
  }
  return reading;
}

}  // namespace

Result<Reading> ReadIecMeter(IecMaster& master, const IecEndpointArgs& args, int retries) {
  for (int attempt = 0;; ++attempt) {
    auto reading = ReadOnce(master, args);
    const IecMaster::Failure failure = master.last_failure();
    const bool again =
        failure == IecMaster::Failure::kNoReply || failure == IecMaster::Failure::kBadAnswer;
    if (reading.ok() || !again || attempt >= retries) return reading;
  }
}

}  // namespace pro380::app
