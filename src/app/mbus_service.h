// MbusService: every M-Bus interface of `pro380 run` (InterfacePlan::mbus, ::mbus_tcp), each an
// MbusBus over the process's M-Bus meters (variant mb):
// - TCP listeners: one StreamFramer per connection (M-Bus frames over TCP, as M-Bus gateways
//   and libmbus's TCP handle carry them);
// - serial lines or ptys: 8E1 at the line's baud rate; the framer drops an unfinished frame after
//   an idle gap, and a line with one meter follows its baud rate: a CI 0xB8..0xBD switch takes
//   effect after the acknowledgement has left the line.
// Every dropped frame is counted by its framer; counters stay readable for the web and CLI views.
#ifndef PRO380_APP_MBUS_SERVICE_H_
#define PRO380_APP_MBUS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "app/interface_plan.h"
#include "app/mbus_bus.h"
#include "protocol/mbus/stream_framer.h"
#include "transport/serial_line.h"
#include "transport/tcp_server.h"

namespace asio {
class io_context;
}

namespace pro380::app {

// How long an unfinished frame may wait for its next byte: a TCP client sends a frame at once;
// a serial line gets at least 3 characters' time (11 bits each at 300 baud: 110 ms).
inline constexpr Duration kMbusTcpIdleTimeout = std::chrono::milliseconds(100);
Duration MbusLineIdleTimeout(int baud);

class MbusTcpSession final : public transport::StreamHandler {
 public:
  MbusTcpSession(transport::TcpConnection& connection, MbusBus& bus)
      : connection_(connection), bus_(bus), framer_(kMbusTcpIdleTimeout) {}
  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) override;

 private:
  void Drain(TimePoint at);

  transport::TcpConnection& connection_;
  MbusBus& bus_;
  mbus::StreamFramer framer_;
};

class MbusLine {
 public:
  // Opens the line at `baud` 8E1. IoError/FailedPrecondition from the transport.
  static Result<std::unique_ptr<MbusLine>> Open(asio::io_context& io,
                                                const transport::SerialSpec& spec, int baud,
                                                MbusBus bus, bool follow_meter);
  ~MbusLine();

  const std::string& name() const;
  const transport::SerialSettings& settings() const;
  const mbus::FramerCounters& framer_counters() const;
  const MbusBus& bus() const;
  uint64_t failed_switches() const;
  // Switches a line that follows its meter to the meter's M-Bus baud rate now (a change that
  // came from elsewhere than this line, which has no reply to wait for).
  void FollowMeter();

  struct Impl;

 private:
  explicit MbusLine(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

class MbusService {
 public:
  // Opens every M-Bus interface of `plan` for `units` (none when `units` is empty). A line opens
  // at the baud its spec names, else at its first meter's; a line with several meters keeps its
  // rate. Every frame goes to `tap` (nullptr: nowhere). Errors: the transport's, with the option
  // named.
  static Result<std::unique_ptr<MbusService>> Open(asio::io_context& io, const InterfacePlan& plan,
                                                   const std::vector<MbusUnit>& units,
                                                   transport::TrafficTap* tap = nullptr);

  // One line per interface for the start banner, e.g. "M-Bus TCP on 127.0.0.1:2000, primary 0".
  std::vector<std::string> Describe() const;

  struct Listener {
    std::unique_ptr<MbusBus> bus;
    std::unique_ptr<transport::TcpServer> server;
  };
  const std::vector<Listener>& tcp() const { return tcp_; }
  const std::vector<std::unique_ptr<MbusLine>>& lines() const { return lines_; }

 private:
  std::vector<MbusUnit> units_;
  std::vector<Listener> tcp_;
  std::vector<std::unique_ptr<MbusLine>> lines_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MBUS_SERVICE_H_
