// RestApi: the REST endpoints (docs/api/openapi.yaml) as a function of a request, without HTTP:
// WebServer passes each request here, and the tests call it directly with a fake gateway.
//
//   GET  /api/v1/meters                          the meters of the process
//   GET  /api/v1/meters/{serial}                 settings and every quantity by canonical name
//   GET  /api/v1/meters/{serial}/registers       every register of every interface, raw words
//   GET  /api/v1/meters/{serial}/mbus-records    the M-Bus readout's records (PRO380-Mb)
//   GET  /api/v1/meters/{serial}/iec-data-sets   the optical port's readout data sets
//   GET  /api/v1/meters/{serial}/events?after=N  that meter's event log
//   POST /api/v1/meters/{serial}/settings/{name} {"value": x}: a write with the buses' rules
//   GET  /api/v1/meters/{serial}/source          its live source's status (docs/sources.md)
//   PUT  /api/v1/meters/{serial}/source          an `http` source's values (POST alike)
//   PUT  /api/v1/meters/{serial}/source/schedule an `http` source's scripted steps (POST alike)
//   GET  /api/v1/meters/{serial}/lcd             the front panel: LCD, backlight, LEDs
//   POST /api/v1/meters/{serial}/buttons/{left|right}/{press|release}
//   GET  /api/v1/events?after=N&limit=M          the event log of all meters
//   GET  /api/v1/traffic?after=N&limit=M         the traffic log and the interfaces' counters
//   GET  /api/v1/counters                        the interfaces' counters
//   GET  /metrics                                Prometheus text format
//
// Every handler runs its work as one MeterGateway task; a gateway that does not answer in time
// gives 503.
#ifndef PRO380_WEB_REST_API_H_
#define PRO380_WEB_REST_API_H_

#include <map>
#include <string>

#include "web/meter_gateway.h"

namespace pro380::web {

struct ApiRequest {
  std::string method;  // "GET", "POST", "PUT"
  std::string path;
  std::map<std::string, std::string> query;
  std::string body;
  std::string peer;  // "ADDR:PORT" of the client
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

class RestApi {
 public:
  explicit RestApi(MeterGateway& gateway) : gateway_(gateway) {}

  // nullopt when `request.path` is not an API path (the server then looks for a static file).
  std::optional<ApiResponse> Handle(const ApiRequest& request);

 private:
  MeterGateway& gateway_;
};

}  // namespace pro380::web

#endif  // PRO380_WEB_REST_API_H_
