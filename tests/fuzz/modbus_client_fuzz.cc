// Fuzz target: the client side of Modbus (protocol/modbus/client.h) on arbitrary replies. The
// first byte picks the framing (even: TCP, odd: RTU) and the chunk size (1..128), the second the
// request (a read of 1..125 registers or a write of 1..123). Invariants: no crash; an outcome is
// delivered at most once per transaction and only a reply whose function is the request's (or
// its exception); a delivered read reply parses to exactly the requested count or an error; the
// RTU reply framer finds the same replies however the stream is cut; counters add up.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "fuzz_check.h"
#include "protocol/modbus/client.h"

using pro380::fuzz::Check;
namespace modbus = pro380::modbus;

namespace {

std::vector<modbus::RtuFrame> RtuReplies(const modbus::Pdu& request,
                                         std::span<const uint8_t> stream, std::size_t chunk) {
  modbus::RtuReplyFramer framer(1, request);
  std::vector<modbus::RtuFrame> frames;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
    while (auto frame = framer.Next()) frames.push_back(std::move(*frame));
  }
  const modbus::RtuReplyFramerCounters& c = framer.counters();
  Check(c.bytes == stream.size(), "the framer counts every byte");
  Check(c.frames == frames.size(), "the framer counts its replies");
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool tcp = (data[0] & 1) == 0;
  const std::size_t chunk = static_cast<std::size_t>(data[0] >> 1) + 1;
  const bool read = (data[1] & 0x80) == 0;
  const uint16_t count = static_cast<uint16_t>(data[1] & 0x7F) % 123 + 1;
  const std::vector<uint16_t> words(count, 0x1234);
  const modbus::Pdu request = read ? modbus::ReadHoldingRegistersRequest(0x4000, count)
                                   : modbus::WriteMultipleRegistersRequest(0x4000, words);
  const std::span<const uint8_t> stream(data + 2, size - 2);

  if (!tcp) {
    Check(RtuReplies(request, stream, chunk) == RtuReplies(request, stream, stream.size() + 1),
          "RTU replies do not depend on the chunking");
  }

  modbus::ModbusClient client(tcp ? modbus::ClientFraming::kTcp : modbus::ClientFraming::kRtu,
                              {.timeout = std::chrono::milliseconds(10), .retries = 0});
  const pro380::TimePoint start{};
  client.Start(1, request, start);
  int outcomes = 0;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    client.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
    const modbus::ClientStep step = client.Poll(start);
    Check(step.send.empty(), "no retry before the timeout");
    if (!step.outcome) continue;
    ++outcomes;
    if (const auto* pdu = std::get_if<modbus::Pdu>(&*step.outcome)) {
      Check((pdu->function & 0x7F) == request.function, "only the request's function");
      if (read) {
        const auto parsed = modbus::ParseReadReply(request, *pdu);
        if (const auto* got = std::get_if<std::vector<uint16_t>>(&parsed)) {
          Check(got->size() == count, "a parsed read has the requested count");
        }
      } else {
        (void)modbus::CheckWriteReply(request, *pdu);
      }
    }
  }
  Check(outcomes <= 1, "one outcome per transaction");
  if (outcomes == 0) {
    const modbus::ClientStep last = client.Poll(start + std::chrono::milliseconds(10));
    Check(last.outcome.has_value(), "the timeout ends the transaction");
  }
  const modbus::ClientCounters& c = client.counters();
  Check(c.replies <= 1 && c.attempts == 1 && c.requests == 1, "client counters");
  return 0;
}
