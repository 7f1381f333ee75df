#include "device/interface_views.h"

#include <cmath>

#include "device/iec_data_set.h"
#include "device/mbus_records.h"
#include "device/pro380_iec_provider.h"
#include "device/pro380_mbus_device.h"

namespace pro380::device {
namespace {

std::string DataFieldName(mbus::DataField field) {
  switch (field) {
    case mbus::DataField::kNone:
      return "none";
    case mbus::DataField::kInt8:
      return "int8";
    case mbus::DataField::kInt16:
      return "int16";
    case mbus::DataField::kInt24:
      return "int24";
    case mbus::DataField::kInt32:
      return "int32";
    case mbus::DataField::kReal32:
      return "real32";
    case mbus::DataField::kInt48:
      return "int48";
    case mbus::DataField::kInt64:
      return "int64";
    case mbus::DataField::kBcd2:
      return "bcd2";
    case mbus::DataField::kBcd4:
      return "bcd4";
    case mbus::DataField::kBcd6:
      return "bcd6";
    case mbus::DataField::kBcd8:
      return "bcd8";
    case mbus::DataField::kVariable:
      return "variable";
    case mbus::DataField::kBcd12:
      return "bcd12";
  }
  return "";
}

std::string FunctionName(mbus::Function function) {
  switch (function) {
    case mbus::Function::kInstantaneous:
      return "instantaneous";
    case mbus::Function::kMaximum:
      return "maximum";
    case mbus::Function::kMinimum:
      return "minimum";
    case mbus::Function::kError:
      return "error";
  }
  return "";
}

std::string ValueName(MbusValue value) {
  switch (value) {
    case MbusValue::kNone:
      return "";
    case MbusValue::kFabricationNumber:
      return "fabrication_number";
    case MbusValue::kSecondaryAddress:
      return "secondary_address";
    case MbusValue::kPrimaryAddress:
      return "primary_address";
    case MbusValue::kBaudRate:
      return "baud_rate";
    case MbusValue::kSoftwareVersion:
      return "software_version";
    case MbusValue::kHardwareVersion:
      return "hardware_version";
  }
  return "";
}

// The wire value of a fixed-size data field, scaled back by the record's exponent.
std::optional<double> Decode(const MbusRecordDef& def, const std::vector<uint8_t>& data) {
  const mbus::DataField field = def.header.data;
  if (data.size() != mbus::DataSize(field) || data.empty()) return std::nullopt;
  if (field == mbus::DataField::kReal32) {
    return mbus::DecodeReal32(std::span<const uint8_t, 4>(data.data(), 4));
  }
  std::optional<int64_t> integer;
  if (mbus::IsBcd(field)) {
    integer = mbus::DecodeBcd(data);
  } else {
    uint64_t raw = 0;
    for (size_t i = data.size(); i-- > 0;) raw = raw << 8 | data[i];
    const unsigned bits = static_cast<unsigned>(8 * data.size());
    if (bits < 64 && (raw >> (bits - 1)) != 0) raw |= ~uint64_t{0} << bits;  // sign-extend
    integer = static_cast<int64_t>(raw);
  }
  if (!integer) return std::nullopt;
  return static_cast<double>(*integer) / std::pow(10.0, def.exponent);
}

}  // namespace

std::vector<MbusRecordView> MbusRecordViews(Pro380MbusDevice& device) {
  mbus::RecordList list;
  device.AppendReadout(list);
  std::vector<MbusRecordView> views;
  const std::span<const MbusRecordDef> defs = MbusRecords();
  size_t start = 0;
  for (size_t i = 0; i < list.ends.size() && i < defs.size(); ++i) {
    const MbusRecordDef& def = defs[i];
    std::vector<uint8_t> header;
    mbus::AppendHeader(header, def.header);
    MbusRecordView v;
    v.index = static_cast<int>(i);
    v.name = def.shows_quantity() ? std::string(metering::QuantityInfo(def.quantity).name)
                                  : ValueName(def.value);
    const size_t header_end = std::min(start + header.size(), list.ends[i]);
    v.header.assign(list.bytes.begin() + static_cast<std::ptrdiff_t>(start),
                    list.bytes.begin() + static_cast<std::ptrdiff_t>(header_end));
    v.data.assign(list.bytes.begin() + static_cast<std::ptrdiff_t>(header_end),
                  list.bytes.begin() + static_cast<std::ptrdiff_t>(list.ends[i]));
    v.data_field = DataFieldName(def.header.data);
    v.function = FunctionName(def.header.function);
    v.storage = def.header.storage;
    v.tariff = def.header.tariff;
    v.subunit = def.header.subunit;
    v.plain_text_unit = std::string(def.header.vib.plain_text);
    v.value = Decode(def, v.data);
    v.unit = def.shows_quantity() ? std::string(metering::QuantityInfo(def.quantity).unit) : "";
    views.push_back(std::move(v));
    start = list.ends[i];
  }
  return views;
}

std::vector<IecDataSetView> IecDataSetViews(const Pro380IecProvider& provider) {
  const std::vector<iec62056::DataSet> sets = provider.Readout();
  std::vector<IecDataSetView> views;
  size_t k = 0;
  for (const IecEntry& entry : kIecDataSet) {
    if (!entry.readable()) continue;
    if (k >= sets.size()) break;
    const iec62056::DataSet& set = sets[k++];
    views.push_back({set.address, set.value, set.unit, entry.writable() ? "rw" : "r"});
  }
  return views;
}

}  // namespace pro380::device
