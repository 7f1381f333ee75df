#include "app/serial_session.h"

#include <asio.hpp>

namespace pro380::app {

struct SerialSession::Timers {
  explicit Timers(asio::io_context& io) : wake(io) {}
  asio::steady_timer wake;
};

namespace {

asio::steady_timer::time_point SteadyTime(TimePoint monotonic) {
  return asio::steady_timer::time_point(
      std::chrono::duration_cast<asio::steady_timer::duration>(monotonic.time_since_epoch()));
}

// Runs `then` after `delay` unless the session owning `timers` is gone by then.
void RunAfter(const std::shared_ptr<SerialSession::Timers>& timers, Duration delay,
              std::function<void()> then) {
  auto timer = std::make_shared<asio::steady_timer>(timers->wake.get_executor());
  timer->expires_after(delay);
  timer->async_wait([weak = std::weak_ptr<SerialSession::Timers>(timers), timer,
                     then = std::move(then)](std::error_code ec) {
    if (!ec && weak.lock() && then) then();
  });
}

}  // namespace

Result<std::unique_ptr<SerialSession>> SerialSession::Open(
    asio::io_context& io, const transport::SerialSpec& spec,
    const transport::SerialSettings& settings, transport::SerialLine::ReceiveHandler on_receive) {
  auto line = transport::SerialLine::Open(io, spec, settings, std::move(on_receive));
  if (!line.ok()) return line.status();
  auto session = std::unique_ptr<SerialSession>(new SerialSession());
  session->timers_ = std::make_shared<Timers>(io);
  session->line_ = std::move(*line);
  return session;
}

SerialSession::~SerialSession() {
  timers_->wake.cancel();
  timers_.reset();  // pending handlers find it gone
  line_.reset();
}

void SerialSession::WakeAt(std::optional<TimePoint> deadline, std::function<void()> wake) {
  if (!deadline) return;
  timers_->wake.expires_at(SteadyTime(*deadline));
  timers_->wake.async_wait(
      [weak = std::weak_ptr<Timers>(timers_), wake = std::move(wake)](std::error_code ec) {
        if (!ec && weak.lock()) wake();
      });
}

void SerialSession::After(Duration delay, std::function<void()> then) {
  RunAfter(timers_, delay, std::move(then));
}

void SerialSession::Send(std::vector<uint8_t> bytes, std::function<void()> on_wire) {
  const Duration wire_time = transport::WireTime(bytes.size(), line_->settings());
  line_->Send(std::move(bytes), [weak = std::weak_ptr<Timers>(timers_), wire_time,
                                 on_wire = std::move(on_wire)]() mutable {
    auto timers = weak.lock();
    if (timers) RunAfter(timers, wire_time, std::move(on_wire));
  });
}

bool SerialSession::SwitchTo(const transport::SerialSettings& wanted) {
  if (wanted == line_->settings()) return false;
  if (Status st = line_->Apply(wanted); !st.ok()) {
    ++failed_switches_;
    return false;
  }
  return true;
}

}  // namespace pro380::app
