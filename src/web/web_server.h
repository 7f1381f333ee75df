// WebServer: the HTTP server of `pro380 run` (docs/web.md): the web page, the REST API
// (docs/api/openapi.yaml), the server-sent-events stream and Prometheus /metrics, served by
// cpp-httplib from its own threads. Every handler that needs a meter goes through the
// MeterGateway (the meters' thread); the stream reads the ChangeFeed.
//
// Write rule (docs/web.md, "Token"): a request that changes something (POST) must carry
// `Authorization: Bearer <token>` when a token is configured; without a token, writes are allowed
// only while the server is bound to a loopback address (elsewhere they get 403).
#ifndef PRO380_WEB_WEB_SERVER_H_
#define PRO380_WEB_WEB_SERVER_H_

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "transport/endpoint.h"
#include "web/change_feed.h"
#include "web/meter_gateway.h"

namespace pro380::web {

struct WebOptions {
  transport::TcpEndpoint endpoint;  // port 0: any free port (see WebServer::endpoint)
  std::optional<std::string> token;
};

// True for 127.0.0.0/8 and ::1.
bool IsLoopback(const std::string& address);
// The write rule: a token is configured, or the address is loopback.
bool WritesAllowed(const WebOptions& options);

class WebServer {
 public:
  // Binds and starts serving. IoError naming the address when it cannot bind. REQUIRES:
  // `gateway` and `feed` outlive the server.
  static Result<std::unique_ptr<WebServer>> Start(const WebOptions& options, MeterGateway& gateway,
                                                  ChangeFeed& feed);
  ~WebServer();  // Stop()

  // The bound address (the real port when 0 was asked for).
  const transport::TcpEndpoint& endpoint() const;
  std::string url() const;
  bool writes_allowed() const;
  // Stops listening, ends the streams, waits for the server's threads.
  void Stop();

  struct Impl;

 private:
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pro380::web

#endif  // PRO380_WEB_WEB_SERVER_H_
