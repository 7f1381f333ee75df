#include "app/s0_pins.h"

#include <algorithm>

namespace pro380::app {

S0Pin::S0Pin(transport::OutputLine& line, int64_t pulses_at_start)
    : line_(line), counted_(pulses_at_start), emitted_(pulses_at_start) {}

void S0Pin::Count(int64_t pulses, Duration width) {
  counted_ = std::max(counted_, pulses);
  width_ = width;
}

Status S0Pin::Advance(TimePoint now) {
  // A pulse ends; the gap before the next one counts from when it really ended, so a late call
  // shortens neither a pulse nor a gap.
  if (on_ && now >= edge_) {
    if (Status st = line_.Set(false); !st.ok()) return st;
    on_ = false;
    edge_ = now + width_;
  }
  if (!on_ && queued() > 0 && now >= edge_) {
    if (Status st = line_.Set(true); !st.ok()) return st;
    on_ = true;
    ++emitted_;
    edge_ = now + width_;
  }
  return Status::Ok();
}

TimePoint S0Pin::next_edge() const {
  if (on_ || queued() > 0) return edge_;
  return TimePoint::max();
}

Result<std::optional<metering::Tariff>> TariffInput::Poll() {
  auto energised = line_.Get();
  if (!energised.ok()) return energised.status();
  const metering::Tariff tariff = *energised ? metering::Tariff::kT2 : metering::Tariff::kT1;
  if (last_ == tariff) return std::optional<metering::Tariff>();
  last_ = tariff;
  return std::optional<metering::Tariff>(tariff);
}

}  // namespace pro380::app
