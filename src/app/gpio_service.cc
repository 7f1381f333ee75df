#include "app/gpio_service.h"

#include <cstdio>

namespace pro380::app {

Result<GpioPlan> ParseGpioArgs(const GpioArgs& args, std::size_t meter_count) {
  GpioPlan plan;
  if (!args.any()) return plan;
  if (meter_count != 1) {
    return Status::InvalidArgument(
        "--s0-forward-gpio, --s0-reverse-gpio and --tariff-gpio need exactly one meter (the "
        "process runs " +
        std::to_string(meter_count) + ")");
  }
  const auto parse = [](const std::optional<std::string>& text, const char* option,
                        std::optional<transport::GpioSpec>& out) -> Status {
    if (!text) return Status::Ok();
    auto spec = transport::ParseGpioSpec(*text, option);
    if (!spec.ok()) return spec.status();
    out = *spec;
    return Status::Ok();
  };
  if (Status st = parse(args.s0_forward, "--s0-forward-gpio", plan.s0_forward); !st.ok()) return st;
  if (Status st = parse(args.s0_reverse, "--s0-reverse-gpio", plan.s0_reverse); !st.ok()) return st;
  if (Status st = parse(args.tariff, "--tariff-gpio", plan.tariff); !st.ok()) return st;
  return plan;
}

GpioService::GpioService(asio::io_context& io, metering::Meter& meter, TariffSink on_tariff)
    : meter_(meter), on_tariff_(std::move(on_tariff)), timer_(io), zero_(Clock::now()) {}

Result<std::unique_ptr<GpioService>> GpioService::Open(asio::io_context& io, const GpioPlan& plan,
                                                       metering::Meter& meter,
                                                       TariffSink on_tariff) {
  std::unique_ptr<GpioService> service(new GpioService(io, meter, std::move(on_tariff)));
  if (plan.s0_forward) {
    auto line = transport::OpenGpioOutput(*plan.s0_forward, "pro380 S0 forward");
    if (!line.ok()) return line.status().WithContext("--s0-forward-gpio");
    service->forward_line_ = std::move(*line);
    service->forward_.emplace(*service->forward_line_, meter.s0_forward().pulses());
  }
  if (plan.s0_reverse) {
    auto line = transport::OpenGpioOutput(*plan.s0_reverse, "pro380 S0 reverse");
    if (!line.ok()) return line.status().WithContext("--s0-reverse-gpio");
    service->reverse_line_ = std::move(*line);
    service->reverse_.emplace(*service->reverse_line_, meter.s0_reverse().pulses());
  }
  if (plan.tariff) {
    auto line = transport::OpenGpioInput(*plan.tariff, "pro380 tariff");
    if (!line.ok()) return line.status().WithContext("--tariff-gpio");
    service->tariff_line_ = std::move(*line);
    service->tariff_.emplace(*service->tariff_line_);
  }
  return service;
}

void GpioService::Report(const Status& status) {
  if (failures_++ == 0) std::fprintf(stderr, "pro380 run: GPIO: %s\n", status.message().c_str());
}

void GpioService::Tick() {
  if (tariff_) {
    auto polled = tariff_->Poll();
    if (!polled.ok()) {
      Report(polled.status());
    } else if (*polled && **polled != meter_.config().tariff) {
      const metering::Tariff from = meter_.config().tariff;
      meter_.SetTariff(**polled);
      if (on_tariff_) on_tariff_(from, **polled);
    }
  }
  if (forward_) forward_->Count(meter_.s0_forward().pulses(), meter_.s0_forward().width());
  if (reverse_) reverse_->Count(meter_.s0_reverse().pulses(), meter_.s0_reverse().width());
  Drive();
}

// Drives the pins now and arms the timer for the next edge.
void GpioService::Drive() {
  const TimePoint now = Now();
  TimePoint next = TimePoint::max();
  bool failed = false;
  for (std::optional<S0Pin>* pin : {&forward_, &reverse_}) {
    if (!*pin) continue;
    if (Status st = (*pin)->Advance(now); !st.ok()) {
      Report(st);
      failed = true;
    }
    next = std::min(next, (*pin)->next_edge());
  }
  if (next == TimePoint::max()) return;
  if (failed) next = std::max(next, now + std::chrono::milliseconds(100));  // retry, no spin
  timer_.expires_at(zero_ + std::max(Duration{}, next - TimePoint{}));
  timer_.async_wait([this](std::error_code ec) {
    if (!ec) Drive();
  });
}

}  // namespace pro380::app
