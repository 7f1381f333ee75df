#include "app/mbus_reading.h"

#include "device/mbus_readout.h"

namespace pro380::app {
namespace {

std::string Digits8(uint32_t value) {
  std::string text = std::to_string(value);
  return text.size() < 8 ? std::string(8 - text.size(), '0') + text : text;
}

ReadingEntry EntryOf(const device::MbusReadoutValue& v) {
  ReadingEntry entry;
  entry.name = std::string(v.name);
  entry.unit = std::string(v.unit);
  entry.quantity = v.def->shows_quantity();
  entry.decimals = v.decimals;
  entry.integral = v.integral;
  entry.value = v.value;
  entry.text = v.text;
  return entry;
}

}  // namespace

Result<Reading> ReadMbusMeter(MbusMaster& master, const ClientEndpointArgs& args) {
  const std::optional<mbus::SecondaryMask> secondary = MbusSecondary(args.mbus);
  const int primary = MbusPrimaryAddress(args.mbus, args.id);
  uint8_t address = 0;
  if (secondary) {
    // The selection ends any readout sequence; SND_NKE to 253 would deselect the meter.
    if (Status selected = master.Select(*secondary); !selected.ok()) return selected;
    address = mbus::kAddressSecondary;
  } else {
    address = static_cast<uint8_t>(primary);
    // SND_NKE first (as libmbus does): the meter's next REQ_UD2 starts a new readout.
    if (Status reset = master.Reset(address); !reset.ok()) return reset;
  }
  auto readout = master.ReadOut(address);
  if (!readout.ok()) return readout.status();
  const std::string who =
      secondary ? "secondary address " + secondary->Text() : DescribeMbusAddress(address);
  auto decoded = device::DecodeMbusReadout(readout->records);
  if (!decoded.ok()) {
    return Status::IoError(who + " at " + master.name() + " sent records that do not parse: " +
                           std::string(decoded.status().message()));
  }
  const mbus::FixedHeader& h = readout->header;
  Reading reading;
  reading.title = "PRO380-Mb " + who + " at " + DescribeEndpoint(args);
  reading.meter["endpoint"] = DescribeEndpoint(args);
  reading.meter["address"] = address;
  reading.meter["primary_address"] = readout->address;
  reading.meter["secondary_address"] =
      h.id_valid ? nlohmann::ordered_json(Digits8(h.id)) : nlohmann::ordered_json(nullptr);
  reading.meter["manufacturer"] = mbus::ManufacturerText(h.manufacturer);
  reading.meter["version"] = h.version;
  reading.meter["medium"] = h.medium;
  reading.meter["access_number"] = h.access_number;
  reading.meter["status"] = h.status;
  reading.meter["telegrams"] = readout->telegrams;
  reading.meter["unknown_records"] = decoded->unknown_records;
  for (const device::MbusReadoutValue& v : decoded->values) reading.entries.push_back(EntryOf(v));
  return reading;
}

}  // namespace pro380::app
