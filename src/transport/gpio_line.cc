#include "transport/gpio_line.h"

#include <charconv>

#ifdef PRO380_HAVE_GPIOD
#include <gpiod.h>
#endif

namespace pro380::transport {

Result<GpioSpec> ParseGpioSpec(std::string_view text, std::string_view option) {
  const auto bad = [&] {
    return Status::InvalidArgument(std::string(option) + " '" + std::string(text) +
                                   "': expected CHIP:LINE, e.g. gpiochip0:17");
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return bad();
  GpioSpec spec;
  spec.chip = std::string(text.substr(0, colon));
  const std::string_view digits = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), spec.line);
  if (ec != std::errc() || end != digits.data() + digits.size() || spec.line > 1023) return bad();
  return spec;
}

#ifdef PRO380_HAVE_GPIOD
namespace {

std::string Where(const GpioSpec& spec) { return spec.chip + ":" + std::to_string(spec.line); }

// One requested line of libgpiod 1.x; the chip stays open while the line is held.
class GpiodLine final : public OutputLine, public InputLine {
 public:
  GpiodLine(gpiod_chip* chip, gpiod_line* line) : chip_(chip), line_(line) {}
  ~GpiodLine() override {
    gpiod_line_release(line_);
    gpiod_chip_close(chip_);
  }
  Status Set(bool active) override {
    if (gpiod_line_set_value(line_, active ? 1 : 0) != 0) return Status::IoError("GPIO set");
    return Status::Ok();
  }
  Result<bool> Get() override {
    const int value = gpiod_line_get_value(line_);
    if (value < 0) return Status::IoError("GPIO get");
    return value == 1;
  }

 private:
  gpiod_chip* chip_;
  gpiod_line* line_;
};

Result<std::unique_ptr<GpiodLine>> Request(const GpioSpec& spec, std::string_view consumer,
                                           bool output) {
  gpiod_chip* chip = gpiod_chip_open_lookup(spec.chip.c_str());
  if (chip == nullptr) return Status::IoError("GPIO " + Where(spec) + ": no such chip");
  gpiod_line* line = gpiod_chip_get_line(chip, spec.line);
  const std::string name(consumer);
  const int rc = line == nullptr ? -1
                 : output        ? gpiod_line_request_output(line, name.c_str(), 0)
                                 : gpiod_line_request_input(line, name.c_str());
  if (rc != 0) {
    gpiod_chip_close(chip);
    return Status::IoError("GPIO " + Where(spec) + ": cannot request the line");
  }
  return std::make_unique<GpiodLine>(chip, line);
}

}  // namespace

Result<std::unique_ptr<OutputLine>> OpenGpioOutput(const GpioSpec& spec,
                                                   std::string_view consumer) {
  auto line = Request(spec, consumer, true);
  if (!line.ok()) return line.status();
  return std::unique_ptr<OutputLine>(std::move(*line));
}

Result<std::unique_ptr<InputLine>> OpenGpioInput(const GpioSpec& spec, std::string_view consumer) {
  auto line = Request(spec, consumer, false);
  if (!line.ok()) return line.status();
  return std::unique_ptr<InputLine>(std::move(*line));
}

#else

namespace {
Status NoGpiod(const GpioSpec& spec) {
  return Status::FailedPrecondition(
      "GPIO " + spec.chip + ":" + std::to_string(spec.line) +
      ": this build has no GPIO support (cmake -DPRO380_WITH_GPIOD=ON "
      "with libgpiod-dev)");
}
}  // namespace

Result<std::unique_ptr<OutputLine>> OpenGpioOutput(const GpioSpec& spec, std::string_view) {
  return NoGpiod(spec);
}
Result<std::unique_ptr<InputLine>> OpenGpioInput(const GpioSpec& spec, std::string_view) {
  return NoGpiod(spec);
}

#endif

}  // namespace pro380::transport
