// The JSON (and Prometheus text) views of the meters that the REST API serves (docs/api/
// openapi.yaml). Pure functions of a MeterAccess: called inside a MeterGateway task, testable
// without HTTP.
//
// Values are those the meter shows on its interfaces: a quantity with a protocol 3.2 register is
// brought to that register's resolution (Quantize: 0.1 V, 0.01 A, 0.001 kW, energies truncated
// to 0.01 kWh), so the REST API, /metrics and a Modbus read agree; a quantity without a register
// (pulse counters) is the reading itself.
#ifndef PRO380_WEB_METER_VIEWS_H_
#define PRO380_WEB_METER_VIEWS_H_

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "metering/quantity.h"
#include "web/meter_gateway.h"

namespace pro380::web {

using QuantityValues = std::array<double, metering::kQuantityCount>;

// Every quantity of `meter`, indexed by QuantityId, at register resolution.
QuantityValues ValuesOf(const WebMeter& meter);

// [{"serial", "variant", "modbus_id", "meter_time", "sealed", "on_modbus"}, …]
nlohmann::json MeterListJson(const MeterAccess& access);

// {"serial", "variant", "meter_time", "sealed", "settings": {…}, "quantities": {name: value}}
nlohmann::json MeterJson(const WebMeter& meter);

// {"serial", "interfaces": [{"name": "modbus", "registers": [{"address", "map", "name", "unit",
// "encoding", "access", "words": ["0x…"], "value"}]}]}: every entry of both Modbus maps with its
// raw words as a read returns them. A meter without Modbus has no interfaces.
nlohmann::json RegistersJson(const WebMeter& meter);

// {"serial", "records": [{"index", "name", "header": "0C 04", "data": "…", "data_field",
// "function", "storage", "tariff", "subunit", "plain_text_unit", "value", "unit"}]}: the M-Bus
// readout now. REQUIRES: meter.mbus.
nlohmann::json MbusRecordsJson(const WebMeter& meter);

// {"serial", "data_sets": [{"code", "value", "unit", "access"}]}: the optical port's readout now,
// values exactly as sent. REQUIRES: meter.iec.
nlohmann::json IecDataSetsJson(const WebMeter& meter);

// [{"name", "counters": {name: value}}, …]
nlohmann::json CountersJson(const MeterAccess& access);

// Prometheus text exposition format 0.0.4: one gauge family pro380_<quantity name> per quantity
// (HELP names the unit), a sample per meter labelled serial="…"; then the family
// pro380_interface_counter with a sample per counter of every interface, labelled
// interface="…" and counter="…".
std::string MetricsText(const MeterAccess& access);

}  // namespace pro380::web

#endif  // PRO380_WEB_METER_VIEWS_H_
