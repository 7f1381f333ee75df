// WebService: the web face of `pro380 run` (docs/web.md): the HTTP server of web/ bound to the
// plan's --http address, the traffic and event logs, the SSE publisher, and the MeterGateway
// that runs the server's requests on the event loop's thread.
//
// Threads: the HTTP server answers from its own threads. A request that needs a meter is posted
// to the loop (asio::post) and its thread waits for it (bounded: kGatewayTimeout), so the meters,
// banks and logs are only ever touched by the loop's thread; the SSE stream reads the ChangeFeed,
// which is locked. Stop() closes the gateway and joins the server's threads before the meters go.
#ifndef PRO380_APP_WEB_SERVICE_H_
#define PRO380_APP_WEB_SERVICE_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "storage/state_store.h"
#include "transport/endpoint.h"
#include "web/change_feed.h"
#include "web/event_log.h"
#include "web/live_publisher.h"
#include "web/meter_gateway.h"
#include "web/traffic_log.h"
#include "web/web_server.h"

namespace asio {
class io_context;
}

namespace pro380::app {

inline constexpr std::chrono::seconds kGatewayTimeout(2);

class PanelDriver;

// A meter's PanelDriver as the web page drives it, at the run loop's panel clock.
class WebPanel final : public web::PanelPort {
 public:
  WebPanel(PanelDriver& driver, std::function<TimePoint()> now)
      : driver_(driver), now_(std::move(now)) {}
  void Press(device::Button button) override;
  void Release(device::Button button) override;
  device::LcdView View() const override;
  device::LedView Led(metering::EnergyKind kind) const override;
  device::PanelMode mode() const override;

 private:
  PanelDriver& driver_;
  std::function<TimePoint()> now_;
};

class WebService {
 public:
  // Prepared, not yet listening: the traffic tap exists before the interfaces open.
  WebService(asio::io_context& io, web::MeterAccess access);
  ~WebService();

  // Binds `options.endpoint` and starts answering. IoError naming --http when it cannot bind.
  Status Listen(const web::WebOptions& options);
  // "Web page and REST API on http://127.0.0.1:8380/" (+ the write rule when it matters).
  std::string Describe() const;

  transport::TrafficTap* tap() { return &traffic_; }
  web::MeterAccess& access() { return access_; }
  // Loop thread: an event to show (every event the store saved).
  void AddEvent(const storage::Event& event);
  // Loop thread: publishes what changed to the SSE stream; call every tick.
  void Publish(TimePoint wall_now) { publisher_.Publish(access_, wall_now); }
  web::LivePublisher& publisher() { return publisher_; }

  // Stops answering: the gateway refuses new tasks, the streams end, the threads are joined.
  void Stop();

 private:
  class LoopGateway;

  asio::io_context& io_;
  web::TrafficLog traffic_;
  web::EventLog events_;
  web::ChangeFeed feed_;
  web::MeterAccess access_;
  web::LivePublisher publisher_;
  std::unique_ptr<LoopGateway> gateway_;
  std::unique_ptr<web::WebServer> server_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_WEB_SERVICE_H_
