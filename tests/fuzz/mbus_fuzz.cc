// Fuzz target: the M-Bus framer (protocol/mbus/stream_framer) and slave engine with the PRO380-Mb
// device (device/pro380_mbus_device) on an arbitrary byte stream. The first byte picks the chunk
// size the stream is fed in (1..256). Invariants: no crash; every reply is E5 or an RSP_UD long
// frame (C 08, CI 72) whose length bytes, checksum and stop byte are right; the framer delivers
// the same frames whether the stream is cut in chunks or fed whole; every delivered frame is
// counted by the slave exactly once (handled, another address, unselected or ignored).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "device/pro380_mbus_device.h"
#include "fuzz_check.h"
#include "protocol/mbus/slave.h"
#include "protocol/mbus/stream_framer.h"

using pro380::fuzz::Check;
namespace mbus = pro380::mbus;

namespace {

void CheckReply(const std::vector<uint8_t>& reply) {
  if (reply.size() == 1) {
    Check(reply[0] == mbus::kAck, "a one-byte reply is E5");
    return;
  }
  Check(reply.size() >= 9 && reply.size() <= 261, "RSP_UD size");
  Check(reply[0] == 0x68 && reply[3] == 0x68 && reply[1] == reply[2], "long frame header");
  Check(reply[1] + 6u == reply.size(), "length byte matches");
  Check(reply[4] == mbus::kRspUd && reply[6] == mbus::kCiResponse, "C 08, CI 72");
  Check(mbus::Checksum(std::span(reply).subspan(4, reply[1])) == reply[reply.size() - 2],
        "checksum");
  Check(reply.back() == mbus::kStop, "stop byte");
}

std::vector<mbus::Frame> Frames(std::span<const uint8_t> stream, std::size_t chunk, bool answer) {
  pro380::metering::Meter meter{pro380::metering::MeterConfig{}};
  pro380::device::DeviceSettings settings;
  pro380::device::Pro380MbusDevice device(meter, settings);
  mbus::Slave slave(device);
  mbus::StreamFramer framer(std::chrono::milliseconds(50));
  std::vector<mbus::Frame> frames;
  const pro380::TimePoint t{};
  // Every delivered frame goes to the slave, also one the framer completes only once the line is
  // idle (as the app's sessions hand on whatever the framer delivers).
  const auto deliver = [&](std::optional<mbus::FramerEvent> event, pro380::TimePoint at) {
    auto* frame = std::get_if<mbus::Frame>(&*event);
    if (!frame) return;
    Check(frame->data.size() <= mbus::kMaxLongData, "long frame data fits 252 bytes");
    if (answer) {
      if (auto reply = slave.Handle(*frame, {"mbus", "fuzz", frame->address, at})) {
        CheckReply(*reply);
      }
    }
    frames.push_back(std::move(*frame));
  };
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    framer.Feed(stream.subspan(at, std::min(chunk, stream.size() - at)), t);
    while (auto event = framer.Next(t)) deliver(std::move(event), t);
  }
  // Whatever is left unfinished is dropped once the line is idle.
  const pro380::TimePoint idle = t + std::chrono::seconds(1);
  while (auto event = framer.Next(idle)) deliver(std::move(event), idle);
  Check(framer.counters().frames == frames.size(), "the framer counts its frames");
  Check(framer.counters().bytes == stream.size(), "the framer counts every byte");
  if (answer) {
    const mbus::SlaveCounters& s = slave.counters();
    Check(s.requests + s.other_address + s.unselected + s.ignored == frames.size(),
          "every frame is counted once");
  }
  return frames;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::size_t chunk = 1 + data[0];
  const std::span<const uint8_t> stream(data + 1, size - 1);
  const std::vector<mbus::Frame> chunked = Frames(stream, chunk, true);
  const std::vector<mbus::Frame> whole = Frames(stream, stream.size() + 1, false);
  Check(chunked == whole, "the frames do not depend on the chunking");
  return 0;
}
