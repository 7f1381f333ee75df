// SerialSession: the serial-line scaffolding every serial protocol session of `pro380 run`
// shares (Modbus RTU lines, M-Bus lines, the optical port): the open line, one wake-up timer for
// the protocol's idle deadline, replies whose completion is reported once their last character
// has left the UART (not merely the kernel's buffer), and switching the line's settings.
//
// The protocol part (framer, engine, what a line follows) stays with each session; this piece
// knows only bytes, times and line settings. Callbacks run on the io_context's thread and never
// after the session is gone.
//
// Thread safety: none; the io_context's thread drives it.
#ifndef PRO380_APP_SERIAL_SESSION_H_
#define PRO380_APP_SERIAL_SESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "transport/serial_line.h"

namespace asio {
class io_context;
}

namespace pro380::app {

class SerialSession {
 public:
  // Opens `spec` at `settings`; `on_receive` gets every chunk read. The transport's
  // IoError/FailedPrecondition when it cannot.
  static Result<std::unique_ptr<SerialSession>> Open(
      asio::io_context& io, const transport::SerialSpec& spec,
      const transport::SerialSettings& settings, transport::SerialLine::ReceiveHandler on_receive);
  ~SerialSession();

  // Calls `wake` at `deadline` (monotonic), replacing a wake-up armed before; nothing when
  // `deadline` is nullopt (the earlier wake-up stays armed).
  void WakeAt(std::optional<TimePoint> deadline, std::function<void()> wake);
  // Calls `then` after `delay` (a response delay).
  void After(Duration delay, std::function<void()> then);
  // Sends `bytes` at the line's present settings, after everything sent before; `on_wire` runs
  // once their last character has left the line (the kernel took them, plus their wire time), so
  // a settings change made then does not overtake them.
  void Send(std::vector<uint8_t> bytes, std::function<void()> on_wire = {});
  // Switches the line to `wanted` unless it is at it already. True when the settings changed
  // (the caller restarts its framer's timing); a refused switch is counted and leaves the line
  // as it was (its meter is deaf until they match again).
  bool SwitchTo(const transport::SerialSettings& wanted);

  const std::string& name() const { return line_->name(); }
  const transport::SerialSettings& settings() const { return line_->settings(); }
  uint64_t failed_switches() const { return failed_switches_; }

  struct Timers;

 private:
  SerialSession() = default;

  std::shared_ptr<Timers> timers_;  // shared with pending handlers, which check it is alive
  std::unique_ptr<transport::SerialLine> line_;
  uint64_t failed_switches_ = 0;
};

}  // namespace pro380::app

#endif  // PRO380_APP_SERIAL_SESSION_H_
