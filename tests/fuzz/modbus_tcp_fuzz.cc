// Fuzz target: the Modbus TCP framer (MBAP) and server, and the RTU-over-TCP framer
// (protocol/modbus), on an arbitrary byte stream. The first byte picks the chunk size the stream
// is fed in (1..256). Invariants: no crash; every reply is an MBAP ADU with protocol id 0, a
// length that matches its size, the request's transaction and unit id; nothing is delivered once
// the MBAP framer failed; both framers deliver the same frames whether the stream is cut in
// chunks or fed whole; the framers' and the server's counters add up.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "../protocol/modbus/fake_register_bank.h"
#include "fuzz_check.h"
#include "protocol/modbus/mbap_framer.h"
#include "protocol/modbus/rtu_stream_framer.h"
#include "protocol/modbus/server.h"

using pro380::fuzz::Check;
namespace modbus = pro380::modbus;

namespace {

void CheckReply(const modbus::MbapFrame& request, const std::vector<uint8_t>& adu) {
  Check(adu.size() >= modbus::kMbapHeaderSize + 1 && adu.size() <= 260, "ADU size");
  Check(((adu[0] << 8) | adu[1]) == request.transaction_id, "transaction id echoed");
  Check(adu[2] == 0 && adu[3] == 0, "protocol id 0");
  Check(((adu[4] << 8) | adu[5]) == static_cast<int>(adu.size()) - 6, "length matches");
  Check(adu[6] == request.unit_id, "unit id echoed");
}

// Every frame the MBAP framer delivers for `stream` fed in pieces of `chunk` bytes, each
// answered by `server` (when given).
std::vector<modbus::MbapFrame> MbapFrames(std::span<const uint8_t> stream, std::size_t chunk,
                                          modbus::Server* server) {
  modbus::MbapFramer framer;
  std::vector<modbus::MbapFrame> frames;
  uint64_t replies = 0;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
    while (auto frame = framer.Next()) {
      Check(!framer.failed(), "nothing is delivered once the framer failed");
      Check(frame->pdu.data.size() + 1 <= modbus::kMaxPduSize, "a PDU fits 253 bytes");
      if (server != nullptr) {
        const modbus::WriteContext context{"modbus-tcp", "fuzz", frame->unit_id, {}};
        if (const auto response = server->Handle(frame->pdu, context)) {
          ++replies;
          CheckReply(*frame, modbus::EncodeMbap(frame->transaction_id, frame->unit_id, *response));
        }
      }
      frames.push_back(std::move(*frame));
    }
  }
  const modbus::MbapFramerCounters& f = framer.counters();
  Check(f.bytes <= stream.size(), "the framer counts at most the bytes fed");
  Check(f.frames == frames.size(), "the framer counts its frames");
  Check(f.bad_length == (framer.failed() ? 1u : 0u), "a bad length fails the framer");
  if (server != nullptr) {
    const modbus::ServerCounters& s = server->counters();
    Check(s.requests + s.other_address == frames.size(), "every frame is handled or ignored");
    Check(s.replies + s.exceptions == replies, "every reply is a response or an exception");
  }
  return frames;
}

std::vector<modbus::RtuEvent> RtuStreamEvents(std::span<const uint8_t> stream, std::size_t chunk) {
  modbus::RtuStreamFramer framer;
  std::vector<modbus::RtuEvent> events;
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
    while (auto event = framer.Next()) events.push_back(std::move(*event));
  }
  const modbus::RtuStreamFramerCounters& f = framer.counters();
  Check(f.bytes == stream.size(), "the RTU stream framer counts every byte");
  Check(f.frames + f.crc_errors == events.size(), "every event is a frame or a CRC error");
  return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = std::size_t{data[0]} + 1;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  modbus::testing::FakeRegisterBank bank;
  modbus::Server server(bank, modbus::ServerOptions{1});
  const auto chunked = MbapFrames(stream, chunk, &server);
  Check(chunked == MbapFrames(stream, stream.size() + 1, nullptr),
        "MBAP frames do not depend on the chunking");
  Check(RtuStreamEvents(stream, chunk) == RtuStreamEvents(stream, stream.size() + 1),
        "RTU-over-TCP frames do not depend on the chunking");
  return 0;
}
