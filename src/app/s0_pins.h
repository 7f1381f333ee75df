// The S0 outputs and the tariff input on GPIO lines (docs/display.md, "S0 outputs and tariff
// input on GPIO"). S0Pin turns a meter output's pulse count into pulses on a line, each `width`
// long (manual §5: 40 ms … 2.5 ms by power and rate, metering::PulseOutput::width()) followed by
// at least `width` off; pulses counted faster than that queue and are all emitted, so a
// downstream counter sees the exact count. TariffInput reads terminals 24/25 (energised = T2,
// product.md).
//
// Time is passed in (the run loop's monotonic wall time); the caller arms a timer for
// next_edge(). Thread safety: none.
#ifndef PRO380_APP_S0_PINS_H_
#define PRO380_APP_S0_PINS_H_

#include <cstdint>
#include <optional>

#include "base/status.h"
#include "base/time.h"
#include "metering/types.h"
#include "transport/gpio_line.h"

namespace pro380::app {

class S0Pin {
 public:
  // Pulses up to `pulses_at_start` were counted before the pin existed and are not emitted.
  S0Pin(transport::OutputLine& line, int64_t pulses_at_start);

  // The output has now counted `pulses` in all; new ones will be `width` long.
  void Count(int64_t pulses, Duration width);
  // Drives the line up to `now`: ends a pulse whose width has passed, starts the next queued one
  // once the gap has passed. A failed line write is returned (and retried at the next call).
  Status Advance(TimePoint now);

  // When Advance has something to do next; TimePoint::max() when idle.
  TimePoint next_edge() const;
  int64_t emitted() const { return emitted_; }
  int64_t queued() const { return counted_ - emitted_; }
  bool active() const { return on_; }

 private:
  transport::OutputLine& line_;
  int64_t counted_;
  int64_t emitted_;
  Duration width_{};
  bool on_ = false;
  TimePoint edge_{};  // on: when the pulse ends; off: the earliest start of the next one
};

class TariffInput {
 public:
  explicit TariffInput(transport::InputLine& line) : line_(line) {}
  // The tariff the terminals ask for when it differs from the last one read (the first read
  // always reports); nullopt when unchanged. A failed read is returned.
  Result<std::optional<metering::Tariff>> Poll();

 private:
  transport::InputLine& line_;
  std::optional<metering::Tariff> last_;
};

}  // namespace pro380::app

#endif  // PRO380_APP_S0_PINS_H_
