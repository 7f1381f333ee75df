// GPIO lines for the physical S0 outputs and the tariff input (manual §5.7 terminals 18/19,
// 20/21, 24/25; docs/display.md, "S0 outputs and tariff input on GPIO"). Through libgpiod when
// the build has it (cmake -DPRO380_WITH_GPIOD=ON, off by default); otherwise opening a line fails
// with a message that says so. Tests use fakes of OutputLine and InputLine.
#ifndef PRO380_TRANSPORT_GPIO_LINE_H_
#define PRO380_TRANSPORT_GPIO_LINE_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace pro380::transport {

// `CHIP:LINE`, e.g. `gpiochip0:17` (a chip name or /dev path, a line offset).
struct GpioSpec {
  std::string chip;
  unsigned line = 0;

  friend bool operator==(const GpioSpec&, const GpioSpec&) = default;
};

// InvalidArgument naming `option` when `text` is not CHIP:LINE.
Result<GpioSpec> ParseGpioSpec(std::string_view text, std::string_view option);

class OutputLine {
 public:
  virtual ~OutputLine() = default;
  // Active = the S0 transistor conducts (a pulse).
  virtual Status Set(bool active) = 0;
};

class InputLine {
 public:
  virtual ~InputLine() = default;
  // Active = voltage on the input (tariff terminals energised).
  virtual Result<bool> Get() = 0;
};

// Requests the line as an output (inactive) or an input for `consumer`. IoError names the chip
// and line; FailedPrecondition when the build has no libgpiod.
Result<std::unique_ptr<OutputLine>> OpenGpioOutput(const GpioSpec& spec, std::string_view consumer);
Result<std::unique_ptr<InputLine>> OpenGpioInput(const GpioSpec& spec, std::string_view consumer);

}  // namespace pro380::transport

#endif  // PRO380_TRANSPORT_GPIO_LINE_H_
