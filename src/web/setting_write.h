// A setting write from the REST API. It goes through the meter's register bank exactly as a
// Modbus write of the same setting does (FC10 to the setting's protocol 3.2 register): the same
// allowed values, the same locks (C-10, sealed meter), the same all-or-nothing rule, and the same
// change sink, so the app logs it (interface "rest", client = the HTTP peer) and saves it at once.
#ifndef PRO380_WEB_SETTING_WRITE_H_
#define PRO380_WEB_SETTING_WRITE_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "web/meter_gateway.h"

namespace pro380::web {

struct WriteOutcome {
  int http_status = 200;  // 200 written; 400 bad body; 403 sealed; 404 no such setting; 422 refused
  nlohmann::json body;    // {"setting", "value"} or {"error"}
};

// Writes `value` (a JSON number) to setting `name` of `meter`. `client` names the HTTP peer.
WriteOutcome WriteSetting(MeterAccess& access, WebMeter& meter, std::string_view name,
                          const nlohmann::json& value, std::string_view client);

}  // namespace pro380::web

#endif  // PRO380_WEB_SETTING_WRITE_H_
