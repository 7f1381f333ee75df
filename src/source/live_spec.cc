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
    } else if (key == "format" && spec.kind == LiveKind::kMqtt) {
      auto format = PayloadFormatFromName(value);
      if (!format) {
        return Status::InvalidArgument(
            "format='" + std::string(value) +
            "' is not a payload format; allowed: " + PayloadFormatNames());
      }
      spec.format = *format;
    } else {
      return Status::InvalidArgument(
          "unknown option '" + std::string(item) + "'; allowed: stale=DUR, timeout=DUR" +
          (spec.kind == LiveKind::kMqtt ? ", format=" + PayloadFormatNames() : std::string()));
    }
  }
  return ValidateLiveTimeouts(spec.timeouts);
}

}  // namespace

bool IsLiveSpec(std::string_view spec) {
  return spec == "http" || spec.starts_with("http?") || spec.starts_with("mqtt://");
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
  } else if (head.starts_with("mqtt://")) {
    live.kind = LiveKind::kMqtt;
    const std::string_view rest = head.substr(7);
    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const size_t colon = authority.rfind(':');
    if (slash == std::string_view::npos || slash + 1 == rest.size() ||
        colon == std::string_view::npos || colon == 0) {
      return fail("is not mqtt://HOST:PORT/TOPIC");
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
  } else {
    return fail("is not a live source (http, mqtt://HOST:PORT/TOPIC)");
  }
  if (Status st = ParseOptions(options, live); !st.ok()) return fail(st.message());
  return live;
}

}  // namespace pro380::source
