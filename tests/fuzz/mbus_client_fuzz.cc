// Fuzz target: the client side of M-Bus (protocol/mbus/client.h) on arbitrary replies. The first
// byte picks the operation (readout, reset, reset with collision detection, selection, data
// send) and the chunk size (1..64); the rest is the replies: segments, each a 2-byte length (low
// byte first) and that many bytes, the next one heard after each frame the client sends. A segment
// is fed in chunks with a Poll() after each; once the client sends again, the rest of the segment
// is dropped (as the driver drops input before a request); when a segment is used up the clock runs
// to the next deadline. Invariants: no crash; at most one
// outcome per operation, and one once the deadlines passed; every further frame the client sends
// is a REQ_UD2 to the same address with the FCB toggled or kept (a retry); a readout's records
// parse; the outcome does not depend on the chunking; counters add up.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_check.h"
#include "protocol/mbus/client.h"

using pro380::fuzz::Check;
namespace mbus = pro380::mbus;

namespace {

mbus::Operation OperationOf(uint8_t pick) {
  switch (pick % 5) {
    case 0:
      return mbus::Operation::ReadOut(5);
    case 1:
      return mbus::Operation::Reset(5);
    case 2:
      return mbus::Operation::Reset(5, true);
    case 3:
      return mbus::Operation::Select(*mbus::SecondaryMask::FromText("12FFFFFF"));
    default:
      return mbus::Operation::Send(5, 0x51, {0x01, 0x7A, 0x07});
  }
}

// The outcome as text (kind, and for a readout its telegrams and records), "" when none.
std::string Run(const mbus::Operation& op, std::span<const uint8_t> stream, std::size_t chunk) {
  mbus::MbusClient client({.timeout = std::chrono::milliseconds(10),
                           .retries = 1,
                           .frame_gap = std::chrono::milliseconds(5),
                           .settle = std::chrono::milliseconds(5)});
  const pro380::TimePoint start{};
  const std::vector<uint8_t> first = client.Start(op, start);
  std::string outcome;
  auto take = [&](const mbus::ClientStep& step) {
    if (!step.send.empty()) {
      if (op.kind == mbus::OperationKind::kReadout) {
        Check(step.send.size() == 5 && step.send[2] == 5 && (step.send[1] & 0xDF) == 0x5B,
              "a readout's further frame is a REQ_UD2 to the same address");
      } else {
        Check(step.send == first, "other operations send only their request again");
      }
    }
    if (!step.outcome) return;
    Check(outcome.empty(), "one outcome per operation");
    if (const auto* readout = std::get_if<mbus::Readout>(&*step.outcome)) {
      Check(readout->telegrams >= 1 && readout->telegrams <= mbus::kMaxTelegrams, "telegrams");
      Check(mbus::ParseRecords(readout->records).ok(), "a readout's records parse");
      outcome = "readout " + std::to_string(readout->telegrams) + " " +
                std::to_string(readout->records.size());
    } else if (std::holds_alternative<mbus::Acknowledged>(*step.outcome)) {
      outcome = "ack";
    } else {
      outcome = "error " +
                std::to_string(static_cast<int>(std::get<mbus::ClientError>(*step.outcome).kind));
    }
  };
  pro380::TimePoint now = start;
  std::size_t next_segment = 0;
  for (int sends = 0; client.busy() && sends < 4 * (mbus::kMaxTelegrams + 2); ++sends) {
    std::span<const uint8_t> segment;
    if (next_segment + 2 <= stream.size()) {
      const std::size_t wanted = stream[next_segment] | (stream[next_segment + 1] << 8);
      const std::size_t length = std::min(wanted, stream.size() - next_segment - 2);
      segment = stream.subspan(next_segment + 2, length);
      next_segment += 2 + length;
    } else {
      next_segment = stream.size();
    }
    bool sent = false;
    for (std::size_t at = 0; at < segment.size() && client.busy() && !sent; at += chunk) {
      client.Feed(segment.subspan(at, std::min(chunk, segment.size() - at)), now);
      const mbus::ClientStep step = client.Poll(now);
      sent = !step.send.empty();
      take(step);
    }
    while (client.busy() && !sent) {
      now = std::max(now, *client.NextDeadline());
      const mbus::ClientStep step = client.Poll(now);
      sent = !step.send.empty();
      take(step);
    }
  }
  Check(!client.busy() && !outcome.empty(), "the deadlines end every operation");
  const mbus::ClientCounters& c = client.counters();
  Check(c.operations == 1 && c.requests >= 1, "client counters");
  Check(c.collisions + c.malformed <= 1, "one error at most");
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const mbus::Operation op = OperationOf(data[0]);
  const std::size_t chunk = static_cast<std::size_t>(data[0] / 5 % 64) + 1;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  const std::string chunked = Run(op, stream, chunk);
  Check(chunked == Run(op, stream, stream.size() + 1),
        "the outcome does not depend on the chunking");
  return 0;
}
