#include "app/web_service.h"

#include <asio.hpp>
#include <future>

#include "app/panel_driver.h"

namespace pro380::app {

class WebService::LoopGateway final : public web::MeterGateway {
 public:
  LoopGateway(asio::io_context& io, web::MeterAccess& access) : io_(io), access_(access) {}

  Status Run(std::function<void(web::MeterAccess&)> task) override {
    if (closed_.load()) return Status::IoError("pro380 is stopping");
    auto done = std::make_shared<std::promise<bool>>();  // true: the task ran
    std::future<bool> finished = done->get_future();
    // The handler runs on the loop's thread or, once the loop has stopped, never (it is
    // destroyed with the io_context, after this gateway is closed).
    asio::post(io_, [this, task = std::move(task), done] {
      if (!closed_.load()) task(access_);
      done->set_value(!closed_.load());
    });
    if (finished.wait_for(kGatewayTimeout) != std::future_status::ready) {
      return Status::IoError("the event loop did not run the request within 2 s");
    }
    return finished.get() ? Status::Ok() : Status::IoError("pro380 is stopping");
  }

  void Close() { closed_.store(true); }

 private:
  asio::io_context& io_;
  web::MeterAccess& access_;
  std::atomic<bool> closed_{false};
};

void WebPanel::Press(device::Button button) { driver_.Press(button, now_()); }
void WebPanel::Release(device::Button button) { driver_.Release(button, now_()); }
device::LcdView WebPanel::View() const { return driver_.View(now_()); }
device::LedView WebPanel::Led(metering::EnergyKind kind) const { return driver_.Led(kind); }
device::PanelMode WebPanel::mode() const { return driver_.panel().mode(); }

WebService::WebService(asio::io_context& io, web::MeterAccess access)
    : io_(io), access_(std::move(access)), publisher_(feed_, std::chrono::seconds(1)) {
  access_.traffic = &traffic_;
  access_.events = &events_;
  gateway_ = std::make_unique<LoopGateway>(io_, access_);
}

WebService::~WebService() { Stop(); }

Status WebService::Listen(const web::WebOptions& options) {
  auto server = web::WebServer::Start(options, *gateway_, feed_);
  if (!server.ok()) return server.status();
  server_ = std::move(*server);
  return Status::Ok();
}

std::string WebService::Describe() const {
  if (!server_) return "";
  std::string text = "Web page and REST API on " + server_->url();
  if (!server_->writes_allowed()) text += " (read-only: writes need --http-token off loopback)";
  return text;
}

void WebService::AddEvent(const storage::Event& event) {
  events_.Add({0, event.wall_time, event.meter_time, event.meter_key,
               std::string(storage::EventKindName(event.kind)), event.interface, event.client,
               event.detail});
}

void WebService::Stop() {
  gateway_->Close();
  if (server_) server_->Stop();
}

}  // namespace pro380::app
