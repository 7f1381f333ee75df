#include "web/meter_views.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "device/register_codec.h"
#include "device/register_names.h"
#include "metering/readings.h"
#include "web/source_views.h"
#include "web/traffic_log.h"

namespace pro380::web {
namespace {

using metering::QuantityId;

std::string_view EncodingName(device::Encoding encoding) {
  switch (encoding) {
    case device::Encoding::kFloat32:
      return "float32";
    case device::Encoding::kS16:
      return "s16";
    case device::Encoding::kHex16:
      return "hex16";
    case device::Encoding::kHex32:
      return "hex32";
    case device::Encoding::kBcd16:
      return "bcd16";
    case device::Encoding::kBcd32:
      return "bcd32";
    case device::Encoding::kAscii2:
      return "ascii2";
  }
  return "";
}

std::string Hex4(uint16_t word) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%04X", word);
  return text;
}

// A number as JSON; a value that is not finite (never expected) becomes null.
nlohmann::json Number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

// Prometheus sample value: the shortest text that reads back as the same double ("230.0").
std::string MetricNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return nlohmann::json(value).dump();
}

}  // namespace

QuantityValues ValuesOf(const WebMeter& meter) {
  const metering::Readings readings = metering::Read(*meter.meter);
  QuantityValues values{};
  for (const metering::Quantity& q : metering::kQuantities) {
    const device::RegisterDef* def = device::FindQuantityRegister(q.id);
    const double value = readings[q.id];
    // + 0.0 turns the -0.0 of a truncated tiny negative energy into 0.
    values[static_cast<size_t>(q.id)] = (def ? device::Quantize(*def, value) : value) + 0.0;
  }
  return values;
}

nlohmann::json MeterListJson(const MeterAccess& access) {
  nlohmann::json list = nlohmann::json::array();
  for (const WebMeter& m : access.meters) {
    list.push_back({{"serial", m.serial},
                    {"variant", m.variant},
                    {"modbus_id", m.settings->modbus_id},
                    {"mbus_primary_address", m.settings->mbus_primary_address},
                    {"meter_time", IsoTime(m.meter->now())},
                    {"sealed", m.bank->sealed()},
                    {"on_modbus", m.on_modbus},
                    {"on_mbus", m.mbus != nullptr},
                    {"on_iec", m.iec != nullptr}});
  }
  return list;
}

nlohmann::json MeterJson(const WebMeter& meter) {
  const QuantityValues values = ValuesOf(meter);
  nlohmann::json quantities = nlohmann::json::object();
  for (const metering::Quantity& q : metering::kQuantities) {
    quantities[std::string(q.name)] = Number(values[static_cast<size_t>(q.id)]);
  }
  const device::DeviceSettings& s = *meter.settings;
  const metering::MeterConfig& config = meter.meter->config();
  nlohmann::json settings = {
      {"modbus_id", s.modbus_id},
      {"baud_rate", s.baud_rate},
      {"parity", static_cast<int>(s.parity)},
      {"lcd_cycle_time_s", s.lcd_cycle_time_s},
      {"backlight_mode", static_cast<int>(s.backlight_mode)},
      {"s0_rate", config.s0_rate.impulses_per_kwh},
      {"combined_code", values[static_cast<size_t>(QuantityId::kCombinedCode)]},
      {"tariff", values[static_cast<size_t>(QuantityId::kTariff)]},
      {"ct_variant", config.ct_variant},
      {"ct_ratio", config.ct_ratio},
      {"ct_locked", config.ct_locked},
  };
  nlohmann::json out = {{"serial", meter.serial},
                        {"variant", meter.variant},
                        {"meter_time", IsoTime(meter.meter->now())},
                        {"sealed", meter.bank->sealed()},
                        {"settings", settings},
                        {"quantities", quantities}};
  if (meter.source) out["source"] = SourceJson(meter.source->View());
  return out;
}

nlohmann::json RegistersJson(const WebMeter& meter) {
  nlohmann::json out = {{"serial", meter.serial}, {"interfaces", nlohmann::json::array()}};
  if (!meter.on_modbus) return out;
  const metering::Readings readings = metering::Read(*meter.meter);
  nlohmann::json registers = nlohmann::json::array();
  for (std::span<const device::RegisterDef> table : device::AllRegisterTables()) {
    for (const device::RegisterDef& def : table) {
      const device::EntryWords words = device::Encode(def, meter.bank->Value(def, readings));
      const std::span<const uint16_t> used(words.data(), def.count());
      nlohmann::json hex = nlohmann::json::array();
      for (uint16_t w : used) hex.push_back(Hex4(w));
      const std::optional<double> decoded = device::Decode(def.encoding, used);
      registers.push_back({{"address", def.address},
                           {"address_hex", Hex4(def.address)},
                           {"map", def.address >= 0x4000 ? "3.2" : "1.x"},
                           {"name", device::RegisterName(def)},
                           {"unit", def.unit},
                           {"encoding", EncodingName(def.encoding)},
                           {"access", def.access == device::Access::kReadWrite ? "rw" : "r"},
                           {"words", hex},
                           {"value", decoded ? Number(*decoded) : nlohmann::json(nullptr)}});
    }
  }
  out["interfaces"].push_back({{"name", "modbus"}, {"registers", registers}});
  return out;
}

namespace {

std::string HexBytes(const std::vector<uint8_t>& bytes) {
  std::string text;
  for (uint8_t b : bytes) {
    char pair[4];
    std::snprintf(pair, sizeof pair, "%s%02X", text.empty() ? "" : " ", b);
    text += pair;
  }
  return text;
}

// A label value of the Prometheus text format: \, " and newline escaped.
std::string LabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

nlohmann::json MbusRecordsJson(const WebMeter& meter) {
  nlohmann::json records = nlohmann::json::array();
  for (const device::MbusRecordView& r : device::MbusRecordViews(*meter.mbus)) {
    records.push_back({{"index", r.index},
                       {"name", r.name},
                       {"header", HexBytes(r.header)},
                       {"data", HexBytes(r.data)},
                       {"data_field", r.data_field},
                       {"function", r.function},
                       {"storage", r.storage},
                       {"tariff", r.tariff},
                       {"subunit", r.subunit},
                       {"plain_text_unit", r.plain_text_unit},
                       {"value", r.value ? Number(*r.value) : nlohmann::json(nullptr)},
                       {"unit", r.unit}});
  }
  return {{"serial", meter.serial}, {"records", records}};
}

nlohmann::json IecDataSetsJson(const WebMeter& meter) {
  nlohmann::json sets = nlohmann::json::array();
  for (const device::IecDataSetView& d : device::IecDataSetViews(*meter.iec)) {
    sets.push_back({{"code", d.code}, {"value", d.value}, {"unit", d.unit}, {"access", d.access}});
  }
  return {{"serial", meter.serial}, {"data_sets", sets}};
}

nlohmann::json CountersJson(const MeterAccess& access) {
  nlohmann::json list = nlohmann::json::array();
  if (!access.counters) return list;
  for (const InterfaceCounters& c : access.counters()) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [name, value] : c.values) values[name] = value;
    list.push_back({{"name", c.name}, {"counters", values}});
  }
  return list;
}

std::string MetricsText(const MeterAccess& access) {
  std::vector<QuantityValues> values;
  for (const WebMeter& m : access.meters) values.push_back(ValuesOf(m));
  std::string text;
  for (const metering::Quantity& q : metering::kQuantities) {
    const std::string name = "pro380_" + std::string(q.name);
    text += "# HELP " + name + " " + std::string(q.name) +
            (q.unit.empty() ? "" : " in " + std::string(q.unit)) + "\n";
    text += "# TYPE " + name + " gauge\n";
    for (size_t k = 0; k < access.meters.size(); ++k) {
      text += name + "{serial=\"" + access.meters[k].serial + "\"} " +
              MetricNumber(values[k][static_cast<size_t>(q.id)]) + "\n";
    }
  }
  text += SourceMetricsText(access);
  if (!access.counters) return text;
  text += "# HELP pro380_interface_counter the counters of every interface (docs/web.md)\n";
  text += "# TYPE pro380_interface_counter gauge\n";
  for (const InterfaceCounters& c : access.counters()) {
    for (const auto& [name, value] : c.values) {
      text += "pro380_interface_counter{interface=\"" + LabelValue(c.name) + "\",counter=\"" +
              LabelValue(name) + "\"} " + std::to_string(value) + "\n";
    }
  }
  return text;
}

}  // namespace pro380::web
