#include "web/web_server.h"

#include <httplib.h>

#include <thread>

#include "web/assets.h"
#include "web/rest_api.h"

namespace pro380::web {
namespace {

// HTTP worker threads: each open SSE stream holds one for as long as it is open.
constexpr size_t kWorkerThreads = 16;
// How long a stream waits for a message before it sends a keep-alive comment (and checks that
// the server is still running).
constexpr std::chrono::milliseconds kStreamWait(1000);

bool TokenMatches(const httplib::Request& request, const std::string& token) {
  const std::string header = request.get_header_value("Authorization");
  return header == "Bearer " + token;
}

}  // namespace

bool IsLoopback(const std::string& address) {
  return address == "::1" || address.rfind("127.", 0) == 0;
}

bool WritesAllowed(const WebOptions& options) {
  return options.token.has_value() || IsLoopback(options.endpoint.address);
}

struct WebServer::Impl {
  Impl(const WebOptions& opts, MeterGateway& gateway, ChangeFeed& change_feed)
      : options(opts), api(gateway), feed(change_feed) {}

  bool WritesAllowed() const { return web::WritesAllowed(options); }

  void Serve(const httplib::Request& request, httplib::Response& response) {
    if (request.method == "POST" || request.method == "PUT") {
      if (options.token && !TokenMatches(request, *options.token)) {
        response.status = 401;
        response.set_content(R"({"error":"this server needs 'Authorization: Bearer <token>'"})",
                             "application/json");
        return;
      }
      if (!WritesAllowed()) {
        response.status = 403;
        response.set_content(
            R"({"error":"writes need a token (--http-token) when bound to a non-loopback address"})",
            "application/json");
        return;
      }
    }
    ApiRequest api_request{request.method,
                           request.path,
                           {},
                           request.body,
                           request.remote_addr + ":" + std::to_string(request.remote_port)};
    for (const auto& [key, value] : request.params) api_request.query[key] = value;
    if (std::optional<ApiResponse> answer = api.Handle(api_request)) {
      response.status = answer->status;
      response.set_content(answer->body, answer->content_type.c_str());
      return;
    }
    const Asset* asset = request.method == "GET" ? FindAsset(request.path) : nullptr;
    if (asset == nullptr) {
      response.status = 404;
      response.set_content("not found\n", "text/plain");
      return;
    }
    response.set_content(std::string(asset->body), std::string(asset->content_type).c_str());
  }

  void Stream(httplib::Response& response) {
    response.set_header("Cache-Control", "no-cache");
    auto cursor = std::make_shared<uint64_t>(feed.last_seq());
    ChangeFeed* change_feed = &feed;
    response.set_chunked_content_provider(
        "text/event-stream", [change_feed, cursor](size_t, httplib::DataSink& sink) {
          const ChangeFeed::Batch batch = change_feed->Wait(cursor.get(), kStreamWait);
          if (batch.closed) {
            sink.done();
            return true;
          }
          std::string text;
          if (batch.lost > 0) {
            text += "event: lost\ndata: {\"lost\":" + std::to_string(batch.lost) + "}\n\n";
          }
          for (const FeedMessage& m : batch.messages) text += SseText(m);
          if (text.empty()) text = ": keep-alive\n\n";
          return sink.write(text.data(), text.size());
        });
  }

  WebOptions options;
  RestApi api;
  ChangeFeed& feed;
  httplib::Server server;
  std::thread thread;
  bool stopped = false;
};

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() { Stop(); }

Result<std::unique_ptr<WebServer>> WebServer::Start(const WebOptions& options,
                                                    MeterGateway& gateway, ChangeFeed& feed) {
  auto impl = std::make_unique<Impl>(options, gateway, feed);
  Impl* self = impl.get();
  httplib::Server& server = impl->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server.set_keep_alive_timeout(5);
  server.set_payload_max_length(64 * 1024);
  server.Get("/api/v1/stream", [self](const httplib::Request&, httplib::Response& response) {
    self->Stream(response);
  });
  const auto serve = [self](const httplib::Request& request, httplib::Response& response) {
    self->Serve(request, response);
  };
  server.Get(".*", serve);
  server.Post(".*", serve);
  server.Put(".*", serve);  // a live source's values (docs/sources.md)
  const std::string& address = options.endpoint.address;
  const int port =
      options.endpoint.port == 0
          ? server.bind_to_any_port(address)
          : (server.bind_to_port(address, options.endpoint.port) ? options.endpoint.port : -1);
  if (port <= 0) {
    return Status::IoError("--http: cannot listen on " + transport::ToString(options.endpoint) +
                           " (address in use or not available)");
  }
  impl->options.endpoint.port = static_cast<uint16_t>(port);
  impl->thread = std::thread([self] { self->server.listen_after_bind(); });
  // stop() is a no-op before the server runs, so Stop() could not end a server that had not yet
  // started: wait (bounded) until it runs.
  for (int k = 0; k < 5000 && !server.is_running(); ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

const transport::TcpEndpoint& WebServer::endpoint() const { return impl_->options.endpoint; }

std::string WebServer::url() const {
  const std::string& address = impl_->options.endpoint.address;
  const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  return "http://" + host + ":" + std::to_string(impl_->options.endpoint.port) + "/";
}

bool WebServer::writes_allowed() const { return impl_->WritesAllowed(); }

void WebServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->feed.Close();
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace pro380::web
