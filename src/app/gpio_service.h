// GpioService: the physical S0 outputs and tariff input of one meter in `pro380 run`
// (`--s0-forward-gpio`, `--s0-reverse-gpio`, `--tariff-gpio CHIP:LINE`; docs/display.md). Each
// tick it hands the meter's S0 pulse counts and widths to an S0Pin per line and polls the tariff
// terminals; a timer of the run loop's io_context drives the pulse edges between ticks.
#ifndef PRO380_APP_GPIO_SERVICE_H_
#define PRO380_APP_GPIO_SERVICE_H_

#include <asio.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/s0_pins.h"
#include "base/status.h"
#include "metering/meter.h"
#include "transport/gpio_line.h"

namespace pro380::app {

struct GpioArgs {
  std::optional<std::string> s0_forward{};  // CHIP:LINE of terminals 18/19
  std::optional<std::string> s0_reverse{};  // CHIP:LINE of terminals 20/21
  std::optional<std::string> tariff{};      // CHIP:LINE of terminals 24/25
  bool any() const { return s0_forward || s0_reverse || tariff; }
};

struct GpioPlan {
  std::optional<transport::GpioSpec> s0_forward;
  std::optional<transport::GpioSpec> s0_reverse;
  std::optional<transport::GpioSpec> tariff;
};

// InvalidArgument (exit 2) naming the option for a malformed line, or when the process runs
// more than one meter (the lines belong to one meter).
Result<GpioPlan> ParseGpioArgs(const GpioArgs& args, std::size_t meter_count);

class GpioService {
 public:
  using Clock = std::chrono::steady_clock;
  // Called when the tariff terminals switch the meter's tariff (already applied).
  using TariffSink = std::function<void(metering::Tariff from, metering::Tariff to)>;

  // Opens the lines of `plan` (IoError or FailedPrecondition: exit 1). Pulses the meter counted
  // before are not emitted. REQUIRES: `io` and `meter` outlive the service.
  static Result<std::unique_ptr<GpioService>> Open(asio::io_context& io, const GpioPlan& plan,
                                                   metering::Meter& meter, TariffSink on_tariff);

  // Call on every tick of the run loop, after the meter advanced.
  void Tick();
  // Line failures so far (each is reported once on stderr).
  int failures() const { return failures_; }

 private:
  GpioService(asio::io_context& io, metering::Meter& meter, TariffSink on_tariff);
  void Drive();
  void Report(const Status& status);
  TimePoint Now() const { return TimePoint{} + (Clock::now() - zero_); }

  metering::Meter& meter_;
  TariffSink on_tariff_;
  asio::steady_timer timer_;
  Clock::time_point zero_;
  std::unique_ptr<transport::OutputLine> forward_line_;
  std::unique_ptr<transport::OutputLine> reverse_line_;
  std::unique_ptr<transport::InputLine> tariff_line_;
  std::optional<S0Pin> forward_;
  std::optional<S0Pin> reverse_;
  std::optional<TariffInput> tariff_;
  int failures_ = 0;
};

}  // namespace pro380::app

#endif  // PRO380_APP_GPIO_SERVICE_H_
