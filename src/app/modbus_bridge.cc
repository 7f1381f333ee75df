#include "app/modbus_bridge.h"

#include <algorithm>
#include <asio/post.hpp>
#include <cstdio>
#include <utility>

#include "transport/endpoint.h"

namespace pro380::app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr Duration kFirstRetry = std::chrono::seconds(1);  // then doubling
// A wallbox behind the bridge sees zero current while the upstream is gone: come back fast. A
// retry costs one TCP connect or one device open.
constexpr Duration kLastRetry = std::chrono::seconds(5);
// Per request, no retry: the next poll is the retry. A PRO380 answers its 50-register block at
// 9600 baud in about 0.15 s.
constexpr const char* kReplyTimeout = "1s";

constexpr std::string_view kTcpPrefix = "tcp://";
constexpr std::string_view kRtuOverTcpPrefix = "rtu-over-tcp://";
constexpr std::string_view kRtuPrefix = "rtu:";

constexpr std::string_view kUpstreamForms =
    "tcp://HOST:PORT, rtu-over-tcp://HOST:PORT or rtu:DEV[:BAUD[:PARITY]]";

// The client options of the upstream (the same checks and opening as `pro380 read`'s).
Result<ClientEndpointArgs> EndpointOf(const source::LiveSpec& spec) {
  ClientEndpointArgs args;
  args.id = spec.unit_id;
  args.timeout = kReplyTimeout;
  args.retries = 0;
  const std::string_view upstream = spec.upstream;
  if (upstream.starts_with(kTcpPrefix)) {
    args.modbus_tcp = std::string(upstream.substr(kTcpPrefix.size()));
  } else if (upstream.starts_with(kRtuOverTcpPrefix)) {
    args.rtu_over_tcp = std::string(upstream.substr(kRtuOverTcpPrefix.size()));
  } else if (upstream.starts_with(kRtuPrefix)) {
    args.modbus_rtu = std::string(upstream.substr(kRtuPrefix.size()));
  } else {
    return Status::InvalidArgument("upstream '" + spec.upstream + "' is not one of " +
                                   std::string(kUpstreamForms));
  }
  const std::string endpoint = args.modbus_tcp     ? *args.modbus_tcp
                               : args.rtu_over_tcp ? *args.rtu_over_tcp
                                                   : *args.modbus_rtu;
  if (args.modbus_rtu) {
    auto serial = transport::ParseSerialSpec(endpoint);
    if (!serial.ok()) return serial.status().WithContext("upstream");
    if (serial->pty) {
      return Status::InvalidArgument(
          "upstream: a client opens an existing device path; give the pty's link path without "
          "'pty:'");
    }
  } else {
    auto tcp = transport::ParseTcpEndpoint(endpoint);
    if (!tcp.ok()) return tcp.status().WithContext("upstream");
    if (tcp->port == 0) return Status::InvalidArgument("upstream: port 0 is no endpoint");
  }
  return args;
}

source::LiveReading ReadingOf(const device::UpstreamValues& values) {
  source::LiveReading reading;
  for (std::size_t k = 0; k < values.phase.size(); ++k) {
    const auto& from = values.phase[k];
    auto& to = reading.phase[k];
    to.voltage_v = from.voltage_v;
    to.current_a = from.current_a;
    to.active_w = from.active_w;
    to.reactive_var = from.reactive_var;
  }
  reading.frequency_hz = values.frequency_hz;
  return reading;
}

}  // namespace

Status CheckBridgeSpec(const std::string& spec_text, const source::LiveSpec& spec) {
  const auto fail = [&](const Status& st) {
    return Status::InvalidArgument("source '" + spec_text + "': " + st.message());
  };
  if (!device::UpstreamMapFromName(spec.map)) {
    return fail(Status::InvalidArgument("map='" + spec.map + "' is not a meter map; allowed: " +
                                        std::string(device::UpstreamMapNames())));
  }
  if (auto args = EndpointOf(spec); !args.ok()) return fail(args.status());
  return Status::Ok();
}

Status CheckBridgeSource(const std::string& spec_text) {
  if (!source::IsLiveSpec(spec_text)) return Status::Ok();
  auto spec = source::ParseLiveSpec(spec_text);
  if (!spec.ok() || spec->kind != source::LiveKind::kModbusClient) return Status::Ok();
  return CheckBridgeSpec(spec_text, *spec);
}

ModbusBridge::ModbusBridge(asio::io_context& io, const source::LiveSpec& spec, LiveSourcePort& port,
                           std::string log_prefix)
    : io_(io), spec_(spec), port_(port), log_prefix_(std::move(log_prefix)) {}

Result<std::unique_ptr<ModbusBridge>> ModbusBridge::Start(asio::io_context& io,
                                                          const source::LiveSpec& spec,
                                                          LiveSourcePort& port,
                                                          std::string log_prefix) {
  std::unique_ptr<ModbusBridge> bridge(new ModbusBridge(io, spec, port, std::move(log_prefix)));
  const auto map = device::UpstreamMapFromName(spec.map);
  auto endpoint = EndpointOf(spec);
  if (!map || !endpoint.ok()) {
    return Status::InvalidArgument("source '" + port.spec() +
                                   "': not a checked modbus-client spec");
  }
  bridge->map_ = *map;
  bridge->endpoint_ = std::move(*endpoint);
  bridge->thread_ = std::thread([b = bridge.get()] { b->Run(); });
  return bridge;
}

ModbusBridge::~ModbusBridge() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();  // no post after it
}

bool ModbusBridge::SleepUntil(Clock::time_point wake) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, wake, [this] { return stopping_; });
  return !stopping_;
}

Result<device::UpstreamValues> ModbusBridge::Poll(ModbusMaster& master) const {
  device::UpstreamValues values;
  const auto unit = static_cast<uint8_t>(spec_.unit_id);
  for (const device::UpstreamBlock& block : device::UpstreamBlocks(map_)) {
    auto words = block.function == 0x04 ? master.ReadInput(unit, block.start, block.count)
                                        : master.ReadHolding(unit, block.start, block.count);
    if (!words.ok()) return words.status();
    device::DecodeUpstreamBlock(map_, block, *words, values);
  }
  return values;
}

void ModbusBridge::Run() {
  Duration retry = kFirstRetry;
  std::unique_ptr<ModbusMaster> master;
  bool connected = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    const Clock::time_point started = Clock::now();
    Status failure = Status::Ok();
    if (!master) {
      auto opened = OpenModbusMaster(endpoint_);
      if (opened.ok()) {
        master = std::move(*opened);
        connected = true;
        PostConnected();
      } else {
        failure = opened.status();
      }
    }
    if (master) {
      auto values = Poll(*master);
      if (values.ok()) {
        retry = kFirstRetry;
        PostValues(*values);
        if (!SleepUntil(started + spec_.interval)) return;
        continue;
      }
      failure = values.status();
      master.reset();  // a fresh connection (or device open) for the next attempt
    }
    PostFailure(failure.message(), connected);
    connected = false;
    if (!SleepUntil(Clock::now() + retry)) return;
    retry = std::min(retry * 2, kLastRetry);
  }
}

void ModbusBridge::PostValues(const device::UpstreamValues& values) {
  asio::post(io_, [this, reading = ReadingOf(values)] {
    ++polls_;
    port_.SetFeedCounter("polls", polls_);
    if (failing_) {
      failing_ = false;
      Log("the upstream meter answers again");
    }
    if (Status st = port_.TakeReading(reading); !st.ok()) {
      if (!refusing_) Log("reading refused: " + st.message());
      refusing_ = true;
    } else {
      refusing_ = false;
    }
  });
}

void ModbusBridge::PostFailure(const std::string& message, bool was_connected) {
  asio::post(io_, [this, message, was_connected] {
    ++poll_failures_;
    port_.SetFeedCounter("poll_failures", poll_failures_);
    if (was_connected) {
      ++disconnects_;
      port_.SetFeedCounter("disconnects", disconnects_);
    }
    if (!failing_) {
      Log(message + "; retrying after 1 s, doubling to 5 s");
      failing_ = true;
    }
  });
}

void ModbusBridge::PostConnected() {
  asio::post(io_, [this] {
    ++connects_;
    port_.SetFeedCounter("connects", connects_);
    Log("connected to " + spec_.upstream + ", ID " + std::to_string(spec_.unit_id) + ", map " +
        spec_.map);
  });
}

void ModbusBridge::Log(const std::string& line) const {
  std::printf("%ssource %s: %s\n", log_prefix_.c_str(), port_.spec().c_str(), line.c_str());
  std::fflush(stdout);
}

}  // namespace pro380::app
