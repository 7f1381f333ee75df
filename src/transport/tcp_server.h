// TcpServer: a TCP listener whose connections each feed their own StreamHandler (a protocol
// session: a framer and the engines behind it). Asio, single-threaded: every handler call and
// every Send happen on the thread that runs the io_context, so sessions need no locks.
//
// Resource rules (docs/protocols/modbus.md, "Transports"): at most `max_connections` open at
// once (a further client is accepted and closed at once, counted); a connection that sends
// nothing for `idle_timeout` is closed; a client that does not read its replies is closed when
// more than `max_pending_output` bytes wait for it. None of these affect other connections.
#ifndef PRO380_TRANSPORT_TCP_SERVER_H_
#define PRO380_TRANSPORT_TCP_SERVER_H_

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

// The session's handle on its connection. Valid until the session's handler is destroyed.
class TcpConnection {
 public:
  virtual ~TcpConnection() = default;
  // Queues bytes to be written after those queued before.
  virtual void Send(std::span<const uint8_t> bytes) = 0;
  // Closes after the queued bytes were written (a protocol error that ends the stream).
  virtual void Close() = 0;
  virtual const std::string& peer() const = 0;  // "127.0.0.1:40312"
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // One received chunk; `at` is MonotonicNow() when it was read.
  virtual void OnReceive(std::span<const uint8_t> bytes, TimePoint at) = 0;
};

using StreamHandlerFactory = std::function<std::unique_ptr<StreamHandler>(TcpConnection&)>;

struct TcpServerOptions {
  size_t max_connections = 128;
  Duration idle_timeout = std::chrono::seconds(300);  // zero: never
  size_t max_pending_output = 1 << 20;
};

struct TcpServerCounters {
  uint64_t accepted = 0;
  uint64_t refused_full = 0;        // over max_connections: closed at once
  uint64_t closed_by_peer = 0;      // the client closed, or the socket failed
  uint64_t closed_idle = 0;         // silent for idle_timeout
  uint64_t closed_by_session = 0;   // the session closed it (a stream it cannot delimit)
  uint64_t closed_slow_reader = 0;  // replies piled up beyond max_pending_output
  uint64_t open = 0;
};

class TcpServer {
 public:
  // Binds and listens on `endpoint`; IoError naming the endpoint when that fails (in use, no
  // such address, no permission).
  static Result<std::unique_ptr<TcpServer>> Listen(asio::io_context& io,
                                                   const TcpEndpoint& endpoint,
                                                   StreamHandlerFactory factory,
                                                   TcpServerOptions options = {});
  ~TcpServer();  // stops listening and closes every connection
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // The bound endpoint (with the port chosen when 0 was asked).
  const TcpEndpoint& endpoint() const;
  const TcpServerCounters& counters() const;

  struct Impl;

 private:
  explicit TcpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_TCP_SERVER_H_
