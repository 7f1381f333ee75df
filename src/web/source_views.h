// The live source of a meter in JSON and in the Prometheus text (docs/web.md, "Sources").
#ifndef PRO380_WEB_SOURCE_VIEWS_H_
#define PRO380_WEB_SOURCE_VIEWS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "web/meter_gateway.h"

namespace pro380::web {

// {"spec", "state", "stale", "age_s" (null before any reading), "counters": {name: n}}
nlohmann::json SourceJson(const SourceStatusView& view);

// pro380_source_stale{serial} (1 unless fresh) and pro380_source_readings{serial,counter} for
// every meter with a live source; empty when none has one.
std::string SourceMetricsText(const MeterAccess& access);

}  // namespace pro380::web

#endif  // PRO380_WEB_SOURCE_VIEWS_H_
