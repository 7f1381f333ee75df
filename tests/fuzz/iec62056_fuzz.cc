// Fuzz target: the IEC 62056-21 server (protocol/iec62056) in front of the PRO380 data set
// (device/pro380_iec_provider.h) on an arbitrary character stream. Byte 0 picks the chunk size
// (1..256), byte 1 the time between chunks (0..255 × 10 ms, so the inter-character, option-select
// and inactivity timeouts are reached). Invariants: no crash; everything sent is 7-bit; every
// rate change is to a rate of the table; the server counts every character; with no time
// between chunks the answers do not depend on the chunking.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "device/pro380_iec_provider.h"
#include "fuzz_check.h"
#include "protocol/iec62056/server.h"

using pro380::fuzz::Check;
namespace iec = pro380::iec62056;

namespace {

std::string Run(std::span<const uint8_t> stream, std::size_t chunk, pro380::Duration step) {
  pro380::device::DeviceSettings settings;
  pro380::metering::Meter meter{pro380::metering::MeterConfig{}};
  pro380::device::Pro380IecProvider provider(meter, settings, "PRO380-Mod");
  iec::Server server(provider, iec::ServerOptions{});
  pro380::TimePoint now{std::chrono::seconds(1000)};
  std::string out;
  const auto take = [&](pro380::TimePoint until) {
    while (true) {
      const auto next = server.NextDeadline();
      if (!next || *next > until) break;
      now = std::max(now, *next);
      for (const iec::Action& action : server.Poll(now)) {
        if (action.kind == iec::Action::Kind::kSetBaud) {
          bool known = false;
          for (int baud : iec::kBaudTable) known = known || baud == action.baud;
          Check(known, "a rate change is to a rate of the table");
          out += "[" + std::to_string(action.baud) + "]";
          continue;
        }
        for (char c : action.chars) Check((static_cast<uint8_t>(c) & 0x80) == 0, "7-bit");
        out += action.chars;
      }
    }
    now = std::max(now, until);
  };
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    server.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)), now);
    take(now + step);
  }
  take(now + std::chrono::seconds(1000));  // every answer and timeout
  Check(server.counters().chars == stream.size(), "every character is counted");
  Check(!server.sending(), "nothing is left to send");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t chunk = std::size_t{data[0]} + 1;
  const pro380::Duration step = std::chrono::milliseconds(10 * data[1]);
  const std::span<const uint8_t> stream(data + 2, size - 2);
  Run(stream, chunk, step);
  Check(Run(stream, chunk, {}) == Run(stream, stream.size() + 1, {}),
        "answers do not depend on the chunking");
  return 0;
}
