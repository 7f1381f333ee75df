#include "transport/tcp_server.h"

#include <array>
#include <asio.hpp>
#include <deque>
#include <unordered_set>
#include <vector>

#include "transport/monotonic_clock.h"

namespace pro380::transport {

using asio::ip::tcp;

namespace {

std::string PeerName(const tcp::socket& socket) {
  std::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "?";
  return ToString(TcpEndpoint{remote.address().to_string(), remote.port()});
}

}  // namespace

class Connection;

struct TcpServer::Impl : std::enable_shared_from_this<TcpServer::Impl> {
  Impl(asio::io_context& io, StreamHandlerFactory make, TcpServerOptions opts)
      : acceptor(io), factory(std::move(make)), options(opts) {}

  void Accept();
  void Forget(const std::shared_ptr<Connection>& connection);

  tcp::acceptor acceptor;
  StreamHandlerFactory factory;
  TcpServerOptions options;
  TcpEndpoint bound;
  TcpServerCounters counters;
  std::unordered_set<std::shared_ptr<Connection>> connections;
};

class Connection final : public TcpConnection, public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::weak_ptr<TcpServer::Impl> server)
      : socket_(std::move(socket)),
        idle_timer_(socket_.get_executor()),
        server_(std::move(server)),
        peer_(PeerName(socket_)) {}

  void Start(std::unique_ptr<StreamHandler> handler) {
    handler_ = std::move(handler);
    std::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);  // one reply is one small segment
    last_activity_ = std::chrono::steady_clock::now();
    if (auto owner = server_.lock(); owner && owner->options.idle_timeout > Duration::zero()) {
      WaitIdle(last_activity_ + owner->options.idle_timeout);
    }
    Read();
  }

  void Send(std::span<const uint8_t> bytes) override {
    if (closed_ || closing_) return;
    auto server = server_.lock();
    if (server && pending_bytes_ + bytes.size() > server->options.max_pending_output) {
      ++server->counters.closed_slow_reader;
      Shutdown();
      return;
    }
    pending_bytes_ += bytes.size();
    queue_.emplace_back(bytes.begin(), bytes.end());
    if (queue_.size() == 1) WriteFront();
  }

  void Close() override {
    if (closed_ || closing_) return;
    closing_ = true;
    if (auto server = server_.lock()) ++server->counters.closed_by_session;
    if (queue_.empty()) Shutdown();
  }

  const std::string& peer() const override { return peer_; }

  // Ends the connection now; safe to call more than once.
  void Shutdown() {
    if (closed_) return;
    closed_ = true;
    std::error_code ignored;
    idle_timer_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (auto server = server_.lock()) server->Forget(shared_from_this());
  }

 private:
  void Read() {
    socket_.async_read_some(
        asio::buffer(buffer_), [self = shared_from_this()](std::error_code ec, size_t n) {
          if (self->closed_) return;
          if (ec) {
            if (auto server = self->server_.lock()) ++server->counters.closed_by_peer;
            // A client that half-closes after its requests (nc -N) still gets every reply:
            // end of stream ends the connection once the queued replies are written.
            if (ec == asio::error::eof && !self->queue_.empty()) {
              self->closing_ = true;
            } else {
              self->Shutdown();
            }
            return;
          }
          self->last_activity_ = std::chrono::steady_clock::now();
          if (!self->closing_) {
            self->handler_->OnReceive({self->buffer_.data(), n}, MonotonicNow());
          }
          if (!self->closed_) self->Read();
        });
  }

  void WriteFront() {
    asio::async_write(socket_, asio::buffer(queue_.front()),
                      [self = shared_from_this()](std::error_code ec, size_t) {
                        if (self->closed_) return;
                        if (ec) {
                          if (auto server = self->server_.lock()) {
                            ++server->counters.closed_by_peer;
                          }
                          self->Shutdown();
                          return;
                        }
                        self->pending_bytes_ -= self->queue_.front().size();
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) {
                          self->WriteFront();
                        } else if (self->closing_) {
                          self->Shutdown();
                        }
                      });
  }

  // The idle timer is not re-armed per request (a timer change costs a system call when it
  // moves the earliest deadline): when it fires it looks at the last activity and sleeps on.
  void WaitIdle(std::chrono::steady_clock::time_point deadline) {
    idle_timer_.expires_at(deadline);
    idle_timer_.async_wait([self = shared_from_this()](std::error_code ec) {
      if (ec || self->closed_) return;
      auto owner = self->server_.lock();
      if (!owner) return;
      const auto idle_until = self->last_activity_ + owner->options.idle_timeout;
      if (std::chrono::steady_clock::now() < idle_until) {
        self->WaitIdle(idle_until);
        return;
      }
      ++owner->counters.closed_idle;
      self->Shutdown();
    });
  }

  tcp::socket socket_;
  asio::steady_timer idle_timer_;
  std::weak_ptr<TcpServer::Impl> server_;
  std::string peer_;
  std::chrono::steady_clock::time_point last_activity_;  // the last bytes received
  std::unique_ptr<StreamHandler> handler_;
  std::array<uint8_t, 4096> buffer_{};
  std::deque<std::vector<uint8_t>> queue_;
  size_t pending_bytes_ = 0;
  bool closing_ = false;  // Close() called: ends once the queue is written
  bool closed_ = false;
};

void TcpServer::Impl::Accept() {
  acceptor.async_accept([weak = weak_from_this()](std::error_code ec, tcp::socket socket) {
    auto self = weak.lock();
    if (!self || !self->acceptor.is_open()) return;
    if (!ec) {
      if (self->connections.size() >= self->options.max_connections) {
        ++self->counters.refused_full;
        std::error_code ignored;
        socket.close(ignored);
      } else {
        ++self->counters.accepted;
        auto connection = std::make_shared<Connection>(std::move(socket), weak);
        self->connections.insert(connection);
        self->counters.open = self->connections.size();
        connection->Start(self->factory(*connection));
      }
    }
    // A failed accept (e.g. out of descriptors) is retried with the next client.
    self->Accept();
  });
}

void TcpServer::Impl::Forget(const std::shared_ptr<Connection>& connection) {
  connections.erase(connection);
  counters.open = connections.size();
}

Result<std::unique_ptr<TcpServer>> TcpServer::Listen(asio::io_context& io,
                                                     const TcpEndpoint& endpoint,
                                                     StreamHandlerFactory factory,
                                                     TcpServerOptions options) {
  auto impl = std::make_shared<Impl>(io, std::move(factory), options);
  const auto fail = [&](const std::string& what, const std::error_code& ec) {
    return Status::IoError(ToString(endpoint) + ": " + what + ": " + ec.message());
  };
  std::error_code ec;
  const asio::ip::address address = asio::ip::make_address(endpoint.address, ec);
  if (ec) return fail("bad address", ec);
  const tcp::endpoint where(address, endpoint.port);
  impl->acceptor.open(where.protocol(), ec);
  if (ec) return fail("cannot open a socket", ec);
  impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  impl->acceptor.bind(where, ec);
  if (ec) return fail("cannot listen", ec);
  impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen", ec);
  impl->bound = {endpoint.address, impl->acceptor.local_endpoint().port()};
  impl->Accept();
  return std::unique_ptr<TcpServer>(new TcpServer(std::move(impl)));
}

TcpServer::~TcpServer() {
  std::error_code ignored;
  impl_->acceptor.close(ignored);
  // Shutdown erases from the set: iterate over a copy.
  const auto open = impl_->connections;
  for (const auto& connection : open) connection->Shutdown();
}

const TcpEndpoint& TcpServer::endpoint() const { return impl_->bound; }
const TcpServerCounters& TcpServer::counters() const { return impl_->counters; }

}  // namespace pro380::transport
