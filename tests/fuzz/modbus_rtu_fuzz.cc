// Fuzz target: the Modbus RTU framer and server (protocol/modbus) on arbitrary bytes arriving
// at arbitrary times. The input is a list of chunks, each [silence, size, bytes…]: the silence
// before the chunk in quarter characters (0..255, so from none to 64 characters: inside a frame,
// past t1.5, past t3.5), then `size` bytes sent back to back. Invariants: no crash; every reply
// is an RTU frame from address 1 with a correct CRC and at most 256 bytes; the framer's
// counters add up to the bytes fed and the events delivered; the server's counters add up to
// the requests it handled and the replies it sent.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "../protocol/modbus/fake_register_bank.h"
#include "base/crc16.h"
#include "fuzz_check.h"
#include "protocol/modbus/rtu_framer.h"
#include "protocol/modbus/server.h"

using pro380::fuzz::Check;
namespace modbus = pro380::modbus;

namespace {

struct Tally {
  uint64_t events = 0;
  uint64_t frames = 0;
  uint64_t replies = 0;
};

void Drain(modbus::RtuFramer& framer, modbus::Server& server, pro380::TimePoint now, Tally& tally) {
  while (auto event = framer.Poll(now)) {
    ++tally.events;
    const auto* frame = std::get_if<modbus::RtuFrame>(&*event);
    server.CountBusFrame(frame != nullptr);
    if (frame == nullptr) continue;
    ++tally.frames;
    Check(frame->pdu.data.size() + 1 <= modbus::kMaxPduSize, "a frame's PDU fits 253 bytes");
    const modbus::WriteContext context{"modbus-rtu", "fuzz", frame->address, now};
    const auto response = server.Handle(frame->pdu, context);
    if (!response) continue;
    ++tally.replies;
    Check(frame->address == server.unit_id(), "only requests to our address are answered");
    const auto reply = modbus::EncodeRtu(server.unit_id(), *response);
    Check(reply.size() >= modbus::kMinRtuFrameSize && reply.size() <= modbus::kMaxRtuFrameSize,
          "a reply is 4..256 bytes");
    Check(pro380::Crc16Modbus(reply) == 0, "a reply's CRC checks");
    Check(reply[0] == 1, "a reply comes from address 1");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  modbus::testing::FakeRegisterBank bank;
  modbus::Server server(bank, modbus::ServerOptions{1});
  modbus::RtuFramer framer(modbus::LineSettings{9600, modbus::Parity::kEven, 1});
  const pro380::Duration quarter = framer.timing().character / 4;
  pro380::TimePoint now{};
  Tally tally;
  uint64_t fed = 0;
  const std::span<const uint8_t> input(data, size);
  std::size_t at = 0;
  while (at + 2 <= input.size()) {
    now += quarter * input[at];
    const std::size_t chunk = std::min<std::size_t>(input[at + 1], input.size() - at - 2);
    const auto bytes = input.subspan(at + 2, chunk);
    at += 2 + chunk;
    Drain(framer, server, now, tally);
    if (bytes.empty()) continue;
    now += framer.timing().character * static_cast<int64_t>(bytes.size());
    framer.Feed(bytes, now);
    fed += bytes.size();
  }
  Drain(framer, server, now + framer.timing().t3_5, tally);

  const modbus::RtuFramerCounters& f = framer.counters();
  Check(f.bytes == fed, "the framer counts every byte");
  Check(f.frames + f.dropped() == tally.events, "every event is a frame or a counted drop");
  Check(f.frames == tally.frames, "good frames are counted");
  const modbus::ServerCounters& s = server.counters();
  Check(s.requests + s.other_address == tally.frames, "every frame is handled or ignored");
  Check(s.replies + s.exceptions == tally.replies, "every reply is a response or an exception");
  Check(s.requests == s.replies + s.exceptions + s.broadcast_writes + s.broadcast_rejected +
                          s.broadcast_ignored,
        "every request is answered or a broadcast");
  uint64_t by_code = 0;
  for (const uint64_t count : s.exceptions_by_code) by_code += count;
  Check(by_code == s.exceptions, "exceptions by code add up");
  return 0;
}
