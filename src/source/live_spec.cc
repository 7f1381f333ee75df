#include "source/live_spec.h"

#include <charconv>
#include <cmath>

namespace pro380::source {
namespace {

Result<Duration> ParseSpecDuration(std::string_view key, std::string_view text) {
  double factor = 1;
  std::string_view number = text;
  if (text.ends_with("ms")) {
    factor = 1e-3;
    number.remove_suffix(2);
  } else if (text.ends_with("s")) {
    number.remove_suffix(1);
  } else if (text.ends_with("m")) {
    factor = 60;
    number.remove_suffix(1);
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() ||
      !std::isfinite(value) || value <= 0 || value * factor > 1e6) {
    return Status::InvalidArgument(
        std::string(key) + "='" + std::string(text) +
        "' is not a duration from 1ms to 1000000s (e.g. 500ms, 10s, 2m)");
  }
  return FromSeconds(value * factor);
}

Status ParseOptions(std::string_view options, LiveSpec& spec) {
  while (!options.empty()) {
    const size_t amp = options.find('&');
    const std::string_view item = options.substr(0, amp);
    options = amp == std::string_view::npos ? std::string_view() : options.substr(amp + 1);
    const size_t eq = item.find('=');
    const std::string_view key = item.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (key == "stale" || key == "timeout") {
      auto d = ParseSpecDuration(key, value);
      if (!d.ok()) return d.status();
      (key == "stale" ? spec.timeouts.stale : spec.timeouts.timeout) = *d;
    } else if (key == "interval" && spec.kind == LiveKind::kModbusClient) {
      auto d = ParseSpecDuration(key, value);
      if (!d.ok()) return d.status();
      if (*d < std::chrono::milliseconds(100) || *d > std::chrono::hours(1)) {
        return Status::InvalidArgument("interval='" + std::string(value) +
                                       "' must be from 100ms to 1h");
      }
      spec.interval = *d;
    } else if (key == "id" && spec.kind == LiveKind::kModbusClient) {
      int id = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
      if (value.empty() || ec != std::errc() || end != value.data() + value.size() || id < 1 ||
          id > 247) {
        return Status::InvalidArgument("id='" + std::string(value) +
                                       "' is not a Modbus ID; allowed: 1..247");
      }
      spec.unit_id = id;
    } else if (key == "map" && spec.kind == LiveKind::kModbusClient) {
      spec.map = std::string(value);  // checked by the app against the device maps
    } else if (key == "format" && spec.kind == LiveKind::kMqtt) {
      auto format = PayloadFormatFromName(value);
      if (!format) {
        return Status::InvalidArgument(
            "format='" + std::string(value) +
            "' is not a payload format; allowed: " + PayloadFormatNames());
      }
      spec.format = *format;
    } else {
      std::string allowed = "stale=DUR, timeout=DUR";
      if (spec.kind == LiveKind::kMqtt) allowed += ", format=" + PayloadFormatNames();
      if (spec.kind == LiveKind::kModbusClient) allowed += ", id=1..247, map=NAME, interval=DUR";
      return Status::InvalidArgument("unknown option '" + std::string(item) +
                                     "'; allowed: " + allowed);
    }
  }
  if (Status st = ValidateLiveTimeouts(spec.timeouts); !st.ok()) return st;
  if (spec.kind == LiveKind::kModbusClient && spec.interval > spec.timeouts.stale) {
    // A poll slower than the stale time would mark every reading stale before the next one.
    return Status::InvalidArgument("the poll interval must not be longer than the stale time");
  }
  return Status::Ok();
}

}  // namespace

bool IsLiveSpec(std::string_view spec) {
  return spec == "http" || spec.starts_with("http?") || spec.starts_with("mqtt://") ||
         spec.starts_with("mqtts://") || spec.starts_with("modbus-client:");
}

Result<LiveSpec> ParseLiveSpec(std::string_view spec) {
  LiveSpec live;
  const size_t question = spec.find('?');
  const std::string_view head = spec.substr(0, question);
  const std::string_view options =
      question == std::string_view::npos ? std::string_view() : spec.substr(question + 1);
  const auto fail = [spec](const std::string& why) {
    return Status::InvalidArgument("source '" + std::string(spec) + "': " + why);
  };
  if (head == "http") {
    live.kind = LiveKind::kHttp;
  } else if (head.starts_with("mqtt://") || head.starts_with("mqtts://")) {
    live.kind = LiveKind::kMqtt;
    live.tls = head.starts_with("mqtts://");
    const std::string_view rest = head.substr(live.tls ? 8 : 7);
    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const size_t colon = authority.rfind(':');
    if (slash == std::string_view::npos || slash + 1 == rest.size() ||
        colon == std::string_view::npos || colon == 0) {
      return fail(live.tls ? "is not mqtts://HOST:PORT/TOPIC" : "is not mqtt://HOST:PORT/TOPIC");
    }
    live.host = std::string(authority.substr(0, colon));
    const std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return fail("port '" + std::string(port) + "' is not 1-65535");
    }
    live.port = static_cast<uint16_t>(value);
    live.topic = std::string(rest.substr(slash + 1));
  } else if (head.starts_with("modbus-client:")) {
    live.kind = LiveKind::kModbusClient;
    live.upstream = std::string(head.substr(14));
    if (live.upstream.empty()) {
      return fail(
          "names no upstream meter; expected modbus-client:tcp://HOST:PORT, "
          "modbus-client:rtu-over-tcp://HOST:PORT or modbus-client:rtu:DEV[:BAUD[:PARITY]]");
    }
  } else {
    return fail("is not a live source (http, mqtt://HOST:PORT/TOPIC, modbus-client:UPSTREAM)");
  }
  if (Status st = ParseOptions(options, live); !st.ok()) return fail(st.message());
  return live;
}

}  // namespace pro380::source
