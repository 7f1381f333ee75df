// WebServer over real loopback HTTP (port 0): the page, the API and /metrics, the token rule,
// and the SSE stream delivering a published message.
#include "web/web_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "web/web_fixture.h"

namespace pro380::web {
namespace {

using ::testing::HasSubstr;

class WebServerTest : public WebFixture {
 protected:
  std::unique_ptr<WebServer> StartServer(std::optional<std::string> token = std::nullopt) {
    const WebOptions options{transport::TcpEndpoint{"127.0.0.1", 0}, std::move(token)};
    auto server = WebServer::Start(options, gateway_, feed_);
    EXPECT_TRUE(server.ok()) << server.status().message();
    return server.ok() ? std::move(*server) : nullptr;
  }
  httplib::Client ClientOf(const WebServer& server) {
    httplib::Client client("127.0.0.1", server.endpoint().port);
    client.set_connection_timeout(2);
    client.set_read_timeout(5);
    return client;
  }

  ChangeFeed feed_;
};

TEST(WriteRuleTest, TokenOrLoopback) {
  const auto options = [](std::string address, std::optional<std::string> token) {
    return WebOptions{transport::TcpEndpoint{std::move(address), 8380}, std::move(token)};
  };
  EXPECT_TRUE(WritesAllowed(options("127.0.0.1", std::nullopt)));
  EXPECT_TRUE(WritesAllowed(options("::1", std::nullopt)));
  EXPECT_FALSE(WritesAllowed(options("0.0.0.0", std::nullopt)));
  EXPECT_FALSE(WritesAllowed(options("192.168.1.5", std::nullopt)));
  EXPECT_TRUE(WritesAllowed(options("0.0.0.0", "secret")));
}

TEST_F(WebServerTest, ServesThePageTheApiAndMetrics) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  EXPECT_NE(server->endpoint().port, 0);
  EXPECT_EQ(server->url(), "http://127.0.0.1:" + std::to_string(server->endpoint().port) + "/");
  httplib::Client client = ClientOf(*server);
  auto page = client.Get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_THAT(page->get_header_value("Content-Type"), HasSubstr("text/html"));
  EXPECT_THAT(page->body, HasSubstr("pro380"));
  auto meters = client.Get("/api/v1/meters");
  ASSERT_TRUE(meters);
  EXPECT_THAT(meters->body, HasSubstr("\"serial\":\"00000001\""));
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("pro380_frequency_hz{serial=\"00000001\"} 50.0"));
  auto missing = client.Get("/nothing.html");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(WebServerTest, WritesNeedTheTokenWhenOneIsSet) {
  auto server = StartServer("s3cret");
  ASSERT_NE(server, nullptr);
  httplib::Client client = ClientOf(*server);
  const std::string path = "/api/v1/meters/00000001/settings/tariff";
  auto without = client.Post(path, R"({"value":2})", "application/json");
  ASSERT_TRUE(without);
  EXPECT_EQ(without->status, 401);
  auto wrong =
      client.Post(path, {{"Authorization", "Bearer nope"}}, R"({"value":2})", "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(changes_.empty());
  auto with =
      client.Post(path, {{"Authorization", "Bearer s3cret"}}, R"({"value":2})", "application/json");
  ASSERT_TRUE(with);
  EXPECT_EQ(with->status, 200) << with->body;
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].setting, "tariff");
  EXPECT_THAT(changes_[0].client, HasSubstr("127.0.0.1:"));
}

TEST_F(WebServerTest, StreamDeliversPublishedMessages) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  std::string received;
  std::atomic<bool> got{false};
  std::thread reader([&] {
    httplib::Client client = ClientOf(*server);
    client.Get("/api/v1/stream", [&](const char* data, size_t length) {
      received.append(data, length);
      if (received.find("event: values") != std::string::npos) {
        got = true;
        return false;  // enough: close the stream
      }
      return true;
    });
  });
  for (int k = 0; k < 200 && !got; ++k) {  // until the reader is connected and has it
    feed_.Publish("values", "{\"n\":" + std::to_string(k) + "}");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  reader.join();
  EXPECT_TRUE(got);
  EXPECT_THAT(received, HasSubstr("data: {\"n\":"));
  server->Stop();  // must not hang with a stream just closed
}

}  // namespace
}  // namespace pro380::web
