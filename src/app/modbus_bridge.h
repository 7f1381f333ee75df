// ModbusBridge: the feed of one meter's `modbus-client:` source (docs/sources.md, "The
// `modbus-client:` source"): another meter, read over Modbus TCP, RTU over TCP or RTU with our
// blocking client (app/modbus_master.h), re-served as this PRO380. A thread of its own polls the
// upstream meter's map (device/upstream_readout.h) every `interval` and posts each poll's values,
// as a LiveReading, to the meters' Asio loop, where the meter's LiveSourcePort takes them. A
// failed connect or poll drops the link and retries after 1 s, doubling to 5 s; meanwhile the
// source ages (stale, then zero current) and the meter keeps answering its own clients.
// Connects, losses and refusals are logged (once per change, not per poll) and counted.
//
// Thread safety: construct, Start and destroy on the loop's thread; the poll thread only posts.
#ifndef PRO380_APP_MODBUS_BRIDGE_H_
#define PRO380_APP_MODBUS_BRIDGE_H_

#include <asio/io_context.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/client_endpoint.h"
#include "app/live_source_port.h"
#include "base/status.h"
#include "device/upstream_readout.h"
#include "source/live_spec.h"

namespace pro380::app {

// The upstream endpoint and map of a modbus-client spec, checked against the transports and the
// device maps: InvalidArgument (exit 2) naming the spec, the part and what is allowed.
Status CheckBridgeSpec(const std::string& spec_text, const source::LiveSpec& spec);
// The same for a whole source spec: Ok for every spec that is not a valid modbus-client one
// (OpenSource judges those).
Status CheckBridgeSource(const std::string& spec_text);

class ModbusBridge {
 public:
  // Starts the poll thread. An upstream that is not there yet is retried (the meter answers
  // meanwhile, waiting for values). REQUIRES: CheckBridgeSpec(spec) passed.
  // `log_prefix` precedes its log lines ("00000002 " with several meters, else "").
  static Result<std::unique_ptr<ModbusBridge>> Start(asio::io_context& io,
                                                     const source::LiveSpec& spec,
                                                     LiveSourcePort& port, std::string log_prefix);
  ~ModbusBridge();  // stops and joins the thread (at most one reply timeout, 1 s)
  ModbusBridge(const ModbusBridge&) = delete;
  ModbusBridge& operator=(const ModbusBridge&) = delete;

 private:
  ModbusBridge(asio::io_context& io, const source::LiveSpec& spec, LiveSourcePort& port,
               std::string log_prefix);
  // The poll thread.
  void Run();
  Result<device::UpstreamValues> Poll(ModbusMaster& master) const;
  // Sleeps until `wake` or the stop; false once stopping.
  bool SleepUntil(std::chrono::steady_clock::time_point wake);
  // Posted to the loop: the events of the poll thread.
  void PostValues(const device::UpstreamValues& values);
  void PostFailure(const std::string& message, bool was_connected);
  void PostConnected();
  void Log(const std::string& line) const;  // loop thread

  asio::io_context& io_;
  source::LiveSpec spec_;
  device::UpstreamMap map_ = device::UpstreamMap::kPro380;
  ClientEndpointArgs endpoint_;
  LiveSourcePort& port_;
  std::string log_prefix_;
  // Loop thread only.
  uint64_t polls_ = 0;
  uint64_t poll_failures_ = 0;
  uint64_t connects_ = 0;
  uint64_t disconnects_ = 0;
  bool failing_ = false;   // the last poll failed: the next failure is not logged again
  bool refusing_ = false;  // the last poll's reading was refused: the next refusal is not logged
  // Shared with the poll thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_BRIDGE_H_
