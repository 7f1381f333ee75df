// SerialLine: one serial line the meter listens on: a real device (a USB-RS485 adapter,
// /dev/ttyUSB0) opened raw with the line's baud rate and parity, or a pseudo-terminal
// (`pty:PATH`) whose other end is linked at PATH so a client can open PATH as its serial port.
// Asio, single-threaded like TcpServer.
//
// A pty carries bytes without timing or parity; the meter still applies the line's settings to
// its frame timing, and a client's own settings do not matter. We keep the pty's other end open
// ourselves so that clients may come and go without the line hanging up; the link is removed
// when the line closes.
#ifndef PRO380_TRANSPORT_SERIAL_LINE_H_
#define PRO380_TRANSPORT_SERIAL_LINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "transport/endpoint.h"

namespace asio {
class io_context;
}

namespace pro380::transport {

struct SerialLineCounters {
  uint64_t bytes_received = 0;
  uint64_t bytes_sent = 0;
  uint64_t read_errors = 0;  // failed reads (the line is reopened by nobody: logged, retried)
};

class SerialLine {
 public:
  // One received chunk; `at` is MonotonicNow() when it was read.
  using ReceiveHandler = std::function<void(std::span<const uint8_t> bytes, TimePoint at)>;

  // Opens `spec.device` (or creates the pty and its link) with `settings`. IoError naming the
  // device when it cannot be opened or configured; FailedPrecondition when a pty link path is
  // taken by something that is not a link.
  static Result<std::unique_ptr<SerialLine>> Open(asio::io_context& io, const SerialSpec& spec,
                                                  const SerialSettings& settings,
                                                  ReceiveHandler on_receive);
  ~SerialLine();
  SerialLine(const SerialLine&) = delete;
  SerialLine& operator=(const SerialLine&) = delete;

  // Writes `bytes` after those sent before; `on_written` runs once the kernel took them all
  // (they may still be on their way out of the UART: see WireTime).
  void Send(std::vector<uint8_t> bytes, std::function<void()> on_written = {});

  // Changes baud rate, parity and stop bits from now on. IoError when the device refuses.
  Status Apply(const SerialSettings& settings);

  const SerialSettings& settings() const;
  // The name clients use: the device path, or the pty link path.
  const std::string& name() const;
  const SerialLineCounters& counters() const;

  struct Impl;

 private:
  explicit SerialLine(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

// How long `bytes` characters take on a line with `settings` (start, 8 data, parity, stop bits).
Duration WireTime(size_t bytes, const SerialSettings& settings);

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_SERIAL_LINE_H_
