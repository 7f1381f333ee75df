// JSON views of meter state in the canonical quantity names.
#ifndef PRO380_APP_JSON_OUTPUT_H_
#define PRO380_APP_JSON_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/time.h"
#include "metering/readings.h"

namespace pro380::app {

// {"voltage_l1_v": 230.0, …}: every quantity in the order of the table (the Modbus order); counts
// and codes as integers.
nlohmann::ordered_json QuantitiesJson(const metering::Readings& readings);

std::string FormatTime(TimePoint t);  // ISO 8601 UTC, e.g. 2026-01-01T00:00:00Z

}  // namespace pro380::app

#endif  // PRO380_APP_JSON_OUTPUT_H_
