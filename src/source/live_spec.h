// Live source specs (docs/sources.md): `http[?OPTIONS]`, `mqtt://HOST:PORT/TOPIC[?OPTIONS]` and
// `modbus-client:UPSTREAM[?OPTIONS]`, OPTIONS being `&`-separated KEY=VALUE:
//   stale=DUR    the age from which values are marked stale (default 10s)
//   timeout=DUR  the age from which current and power are zero (default 60s)
//   format=NAME  the payload format (mqtt only; default canonical)
//   id=N, map=NAME, interval=DUR   the upstream meter's Modbus ID (1..247, default 1), register
//                map (default pro380) and poll interval (default 1s; modbus-client only)
// The modbus-client UPSTREAM (tcp://HOST:PORT, rtu-over-tcp://HOST:PORT, rtu:DEV[:BAUD[:PARITY]])
// and the map name are kept as written: the app checks them against the transports and device
// maps it owns (app/modbus_bridge.h), since this layer knows neither.
// DUR is a number with the unit ms, s or m ("500ms", "2.5s", "1m"); a bare number is seconds.
#ifndef PRO380_SOURCE_LIVE_SPEC_H_
#define PRO380_SOURCE_LIVE_SPEC_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "source/live_payload.h"
#include "source/live_source.h"

namespace pro380::source {

enum class LiveKind : uint8_t { kHttp, kMqtt, kModbusClient };

struct LiveSpec {
  LiveKind kind = LiveKind::kHttp;
  std::string host;   // mqtt
  uint16_t port = 0;  // mqtt
  std::string topic;  // mqtt; may hold MQTT wildcards (+, #)
  bool tls = false;   // mqtts://: the connection is TLS (the CA and client files: app/)
  PayloadFormat format = PayloadFormat::kCanonical;
  LiveTimeouts timeouts;
  // modbus-client only.
  std::string upstream;  // after "modbus-client:", before '?'
  int unit_id = 1;
  std::string map = "pro380";
  Duration interval = std::chrono::seconds(1);
};

// True for the specs ParseLiveSpec takes (`http`, `http?…`, `mqtt://…`, `mqtts://…`,
// `modbus-client:…`).
bool IsLiveSpec(std::string_view spec);

// Errors name the spec part and what is allowed.
Result<LiveSpec> ParseLiveSpec(std::string_view spec);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_LIVE_SPEC_H_
