#include "transport/tcp_server.h"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <string>
#include <vector>

namespace pro380::transport {
namespace {

using asio::ip::tcp;
using namespace std::chrono_literals;

// Answers every chunk with the chunk reversed; "close" makes it close the connection.
class ReverseHandler final : public StreamHandler {
 public:
  explicit ReverseHandler(TcpConnection& connection) : connection_(connection) {}
  void OnReceive(std::span<const uint8_t> bytes, TimePoint) override {
    const std::string text(bytes.begin(), bytes.end());
    if (text == "close") {
      connection_.Send(std::vector<uint8_t>{'b', 'y', 'e'});
      connection_.Close();
      return;
    }
    std::vector<uint8_t> reply(bytes.rbegin(), bytes.rend());
    connection_.Send(reply);
  }

 private:
  TcpConnection& connection_;
};

struct Fixture {
  asio::io_context io;
  std::unique_ptr<TcpServer> server;

  explicit Fixture(TcpServerOptions options = {}) {
    auto listened = TcpServer::Listen(
        io, {"127.0.0.1", 0}, [](TcpConnection& c) { return std::make_unique<ReverseHandler>(c); },
        options);
    EXPECT_TRUE(listened.ok()) << listened.status().message();
    server = std::move(*listened);
  }

  tcp::socket Connect() {
    tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), server->endpoint().port});
    return socket;
  }

  // Runs the loop until `socket` has `n` bytes or closes (bounded by 2 s).
  std::string ReadSome(tcp::socket& socket, size_t n) {
    std::string got;
    std::array<char, 256> buffer{};
    bool done = false;
    std::function<void()> read = [&] {
      socket.async_read_some(asio::buffer(buffer), [&](std::error_code ec, size_t k) {
        if (ec) {
          done = true;
          return;
        }
        got.append(buffer.data(), k);
        if (got.size() >= n) {
          done = true;
        } else {
          read();
        }
      });
    };
    read();
    for (int i = 0; i < 200 && !done; ++i) io.run_for(10ms);
    return got;
  }
};

TEST(TcpServer, EachConnectionHasItsOwnSession) {
  Fixture f;
  tcp::socket a = f.Connect();
  tcp::socket b = f.Connect();
  asio::write(a, asio::buffer(std::string("abc")));
  asio::write(b, asio::buffer(std::string("12345")));
  EXPECT_EQ(f.ReadSome(b, 5), "54321");
  EXPECT_EQ(f.ReadSome(a, 3), "cba");
  EXPECT_EQ(f.server->counters().accepted, 2u);
  EXPECT_EQ(f.server->counters().open, 2u);
}

TEST(TcpServer, ASessionClosesAfterItsLastReply) {
  Fixture f;
  tcp::socket a = f.Connect();
  asio::write(a, asio::buffer(std::string("close")));
  EXPECT_EQ(f.ReadSome(a, 100), "bye");  // then end of stream
  EXPECT_EQ(f.server->counters().closed_by_session, 1u);
  EXPECT_EQ(f.server->counters().open, 0u);
}

TEST(TcpServer, AClientBeyondTheLimitIsClosedAndOthersGoOn) {
  Fixture f(TcpServerOptions{.max_connections = 2});
  tcp::socket a = f.Connect();
  tcp::socket b = f.Connect();
  f.io.run_for(50ms);
  tcp::socket c = f.Connect();
  EXPECT_EQ(f.ReadSome(c, 1), "");  // closed without a byte
  EXPECT_EQ(f.server->counters().refused_full, 1u);
  asio::write(a, asio::buffer(std::string("xy")));
  EXPECT_EQ(f.ReadSome(a, 2), "yx");
}

TEST(TcpServer, ASilentClientIsClosedAfterTheIdleTimeout) {
  // The timeout is 20 times the gap between the busy client's requests, so a loaded machine
  // (CI runs the suite two at a time) cannot make the busy connection look idle.
  Fixture f(TcpServerOptions{.idle_timeout = 1s});
  tcp::socket quiet = f.Connect();
  tcp::socket busy = f.Connect();
  for (int i = 0; i < 30; ++i) {  // 1.5 s of traffic on one connection only
    asio::write(busy, asio::buffer(std::string("ab")));
    EXPECT_EQ(f.ReadSome(busy, 2), "ba");
    f.io.run_for(50ms);
  }
  EXPECT_EQ(f.ReadSome(quiet, 1), "");
  EXPECT_EQ(f.server->counters().closed_idle, 1u);
  EXPECT_EQ(f.server->counters().open, 1u);
}

TEST(TcpServer, AClientThatNeverReadsIsClosedWhenRepliesPileUp) {
  Fixture f(TcpServerOptions{.max_pending_output = 64 * 1024});
  tcp::socket hog = f.Connect();
  hog.set_option(asio::socket_base::receive_buffer_size(4096));
  const std::string chunk(4096, 'x');
  std::error_code ec;
  // Bounded: the server closes it long before 64 MB were sent.
  for (int i = 0; i < 16384 && f.server->counters().closed_slow_reader == 0; ++i) {
    hog.non_blocking(true);
    asio::write(hog, asio::buffer(chunk), ec);
    f.io.run_for(1ms);
  }
  EXPECT_EQ(f.server->counters().closed_slow_reader, 1u);
}

TEST(TcpServer, AnAddressInUseIsAnIoErrorNamingTheEndpoint) {
  Fixture f;
  const uint16_t port = f.server->endpoint().port;
  auto second = TcpServer::Listen(f.io, {"127.0.0.1", port}, [](TcpConnection& c) {
    return std::make_unique<ReverseHandler>(c);
  });
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kIoError);
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

}  // namespace
}  // namespace pro380::transport
