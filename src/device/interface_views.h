// What the M-Bus and optical-port interfaces of a meter show, as plain values for the web page
// and REST API (web/ sees no protocol types): every record of a PRO380-Mb's M-Bus readout with
// its bytes and decoded value, and every data set of the optical port's readout as sent.
//
// Thread safety: none; call on the thread that owns the meter.
#ifndef PRO380_DEVICE_INTERFACE_VIEWS_H_
#define PRO380_DEVICE_INTERFACE_VIEWS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pro380::device {

class Pro380MbusDevice;
class Pro380IecProvider;

struct MbusRecordView {
  int index = 0;                // libmbus's record number (readout order)
  std::string name;             // the quantity's canonical name, or "fabrication_number", …
  std::vector<uint8_t> header;  // DIF, DIFEs, VIF, VIFEs (and a plain-text unit) as sent
  std::vector<uint8_t> data;    // the data field's bytes as sent
  std::string data_field;       // "bcd8", "int32", "real32", …
  std::string function;         // "instantaneous", "maximum", "minimum", "error"
  int storage = 0;
  int tariff = 0;
  int subunit = 0;
  std::string plain_text_unit;  // VIF 7C records: the unit text (read forwards)
  std::optional<double> value;  // the data decoded and scaled to `unit`
  std::string unit;             // the quantity's unit ("kWh", "V", …); "" for device values
};

// Every record of `device`'s readout now, in readout order.
std::vector<MbusRecordView> MbusRecordViews(Pro380MbusDevice& device);

struct IecDataSetView {
  std::string code;    // OBIS code as the readout sends it ("1.8.0")
  std::string value;   // the value exactly as the readout sends it ("000123.45")
  std::string unit;    // "kWh", or "" when the data set has none
  std::string access;  // "r", "rw"
};

// Every data set of `provider`'s readout now, in readout order.
std::vector<IecDataSetView> IecDataSetViews(const Pro380IecProvider& provider);

}  // namespace pro380::device

#endif  // PRO380_DEVICE_INTERFACE_VIEWS_H_
