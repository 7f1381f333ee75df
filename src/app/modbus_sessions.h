// The Modbus sessions that join a transport to a ModbusBus through a framer:
// - TcpModbusSession: one Modbus TCP connection (MBAP); a stream the framer cannot delimit is
//   closed.
// - RtuOverTcpSession: one TCP connection carrying RTU frames (gateways).
// - RtuLine: one serial line or pty: the RTU framer's t1.5/t3.5 timing from the line settings,
//   the response delay, and line-setting changes applied after the reply has left the line.
//
// Every dropped frame is counted by its framer; counters stay readable for the web and CLI views.
#ifndef PRO380_APP_MODBUS_SESSIONS_H_
#define PRO380_APP_MODBUS_SESSIONS_H_

#include <memory>

#include "app/modbus_bus.h"
#include "protocol/modbus/mbap_framer.h"
#include "protocol/modbus/rtu_framer.h"
#include "protocol/modbus/rtu_stream_framer.h"
#include "transport/serial_line.h"
#include "transport/tcp_server.h"

namespace asio {
class io_context;
}

namespace pro380::app {

class TcpModbusSession final : public transport::StreamHandler {
 public:
  TcpModbusSession(transport::TcpConnection& connection, ModbusBus& bus)
      : connection_(connection), bus_(bus) {}
  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) override;

 private:
  transport::TcpConnection& connection_;
  ModbusBus& bus_;
  modbus::MbapFramer framer_;
};

class RtuOverTcpSession final : public transport::StreamHandler {
 public:
  RtuOverTcpSession(transport::TcpConnection& connection, ModbusBus& bus)
      : connection_(connection), bus_(bus) {}
  void OnReceive(std::span<const uint8_t> bytes, TimePoint at) override;

 private:
  transport::TcpConnection& connection_;
  ModbusBus& bus_;
  modbus::RtuStreamFramer framer_;
};

struct RtuLineOptions {
  Duration response_delay{};
  modbus::RtuFramerOptions framer;
  // True when the line follows its only meter's baud rate and parity (a write of them switches
  // the line after the reply); false on a shared line, whose settings stay fixed.
  bool follow_meter = true;
};

class RtuLine {
 public:
  // Opens the line at `settings`. IoError/FailedPrecondition from the transport.
  static Result<std::unique_ptr<RtuLine>> Open(asio::io_context& io,
                                               const transport::SerialSpec& spec,
                                               const transport::SerialSettings& settings,
                                               ModbusBus bus, RtuLineOptions options);
  ~RtuLine();

  const std::string& name() const;
  const transport::SerialSettings& settings() const;
  const modbus::RtuFramerCounters& framer_counters() const;
  const ModbusBus& bus() const;
  uint64_t failed_switches() const;  // line-setting switches the device refused
  // Switches a line that follows its meter to the meter's baud rate and parity now: for a
  // change that came from elsewhere than this line (the REST API), which has no reply to wait for.
  void FollowMeter();

  struct Impl;

 private:
  explicit RtuLine(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_MODBUS_SESSIONS_H_
