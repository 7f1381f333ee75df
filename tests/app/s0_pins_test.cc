// S0Pin and TariffInput against fake GPIO lines: pulse widths, gaps, queued pulses that are
// never dropped, a failing line, and the tariff terminals.
#include "app/s0_pins.h"

#include <gtest/gtest.h>

#include <vector>

#include "app/gpio_service.h"
#include "metering/pulse_output.h"

namespace pro380::app {
namespace {

using namespace std::chrono_literals;

class FakeOutput final : public transport::OutputLine {
 public:
  Status Set(bool active) override {
    if (fail) return Status::IoError("fake line failed");
    levels.push_back(active);
    level = active;
    return Status::Ok();
  }
  bool level = false;
  bool fail = false;
  std::vector<bool> levels;
};

class FakeInput final : public transport::InputLine {
 public:
  Result<bool> Get() override {
    if (fail) return Status::IoError("fake input failed");
    return energised;
  }
  bool energised = false;
  bool fail = false;
};

const TimePoint kT0 = TimePoint{} + std::chrono::hours(5);

TEST(S0PinTest, APulseIsOnForItsWidthThenOffForAtLeastAsLong) {
  FakeOutput line;
  S0Pin pin(line, 100);
  EXPECT_EQ(pin.next_edge(), TimePoint::max());
  pin.Count(101, 40ms);  // manual §5: 40 ms below 5 kW at 1000 imp/kWh
  ASSERT_TRUE(pin.Advance(kT0).ok());
  EXPECT_TRUE(line.level);
  EXPECT_EQ(pin.next_edge(), kT0 + 40ms);
  ASSERT_TRUE(pin.Advance(kT0 + 39ms).ok());
  EXPECT_TRUE(line.level);
  ASSERT_TRUE(pin.Advance(kT0 + 40ms).ok());
  EXPECT_FALSE(line.level);
  EXPECT_EQ(pin.emitted(), 101);
  EXPECT_EQ(pin.next_edge(), TimePoint::max());
  EXPECT_EQ(line.levels, (std::vector<bool>{true, false}));
}

TEST(S0PinTest, PulsesCountedFasterThanTheyCanBeShownQueueAndAllCome) {
  FakeOutput line;
  S0Pin pin(line, 0);
  pin.Count(5, 10ms);
  TimePoint t = kT0;
  int starts = 0;
  for (int guard = 0; guard < 100 && (pin.queued() > 0 || pin.active()); ++guard) {
    const bool was_on = line.level;
    ASSERT_TRUE(pin.Advance(t).ok());
    if (!was_on && line.level) {
      EXPECT_EQ(t, kT0 + starts * 20ms) << "pulse " << starts;  // 10 ms on, 10 ms off
      ++starts;
    }
    t = std::min(pin.next_edge(), t + 1s);
  }
  EXPECT_EQ(starts, 5);
  EXPECT_EQ(pin.emitted(), 5);
  EXPECT_EQ(pin.queued(), 0);
  EXPECT_FALSE(line.level);
}

TEST(S0PinTest, ALateCallShortensNoGap) {
  FakeOutput line;
  S0Pin pin(line, 0);
  pin.Count(2, 40ms);
  ASSERT_TRUE(pin.Advance(kT0).ok());
  ASSERT_TRUE(pin.Advance(kT0 + 500ms).ok());  // late: ends the first pulse only
  EXPECT_FALSE(line.level);
  EXPECT_EQ(pin.emitted(), 1);
  EXPECT_EQ(pin.next_edge(), kT0 + 540ms);  // the gap counts from the late end
  ASSERT_TRUE(pin.Advance(kT0 + 539ms).ok());
  EXPECT_FALSE(line.level);
  ASSERT_TRUE(pin.Advance(kT0 + 540ms).ok());
  EXPECT_TRUE(line.level);
  EXPECT_EQ(pin.next_edge(), kT0 + 580ms);  // and the second pulse is a full 40 ms
}

TEST(S0PinTest, WidthsFollowThePulseOutputsTable) {
  // An S0 output at 1000 imp/kWh: 40 ms below 5 kW, 10 ms at 10–20 kW (manual §5).
  metering::PulseOutput output(*metering::S0RateFromImpulses(1000));
  output.Add(1'000'000, kT0, 1s);  // 1 Wh (one pulse) in 1 s = 3.6 kW
  FakeOutput line;
  S0Pin pin(line, 0);
  pin.Count(output.pulses(), output.width());
  ASSERT_TRUE(pin.Advance(kT0).ok());
  EXPECT_EQ(pin.next_edge(), kT0 + 40ms);
}

TEST(S0PinTest, AFailedWriteIsReportedAndRetried) {
  FakeOutput line;
  S0Pin pin(line, 0);
  pin.Count(1, 40ms);
  line.fail = true;
  EXPECT_FALSE(pin.Advance(kT0).ok());
  EXPECT_EQ(pin.emitted(), 0);
  line.fail = false;
  ASSERT_TRUE(pin.Advance(kT0 + 1ms).ok());
  EXPECT_EQ(pin.emitted(), 1);
}

TEST(TariffInputTest, EnergisedTerminalsSelectT2) {
  FakeInput input;
  TariffInput tariff(input);
  auto first = tariff.Poll();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, metering::Tariff::kT1);  // the first read always reports
  EXPECT_EQ(*tariff.Poll(), std::nullopt);
  input.energised = true;
  EXPECT_EQ(*tariff.Poll(), metering::Tariff::kT2);
  EXPECT_EQ(*tariff.Poll(), std::nullopt);
  input.fail = true;
  EXPECT_FALSE(tariff.Poll().ok());
}

}  // namespace
}  // namespace pro380::app

namespace pro380::app {
namespace {

TEST(GpioArgsTest, LinesAreCheckedAtTheEdge) {
  EXPECT_FALSE(ParseGpioArgs({}, 3).value().s0_forward.has_value());  // none given: any count
  auto plan = ParseGpioArgs({.s0_forward = "gpiochip0:17", .tariff = "/dev/gpiochip1:4"}, 1);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->s0_forward, (transport::GpioSpec{"gpiochip0", 17}));
  EXPECT_EQ(plan->tariff, (transport::GpioSpec{"/dev/gpiochip1", 4}));
  EXPECT_FALSE(plan->s0_reverse.has_value());
  EXPECT_EQ(ParseGpioArgs({.s0_reverse = "gpiochip0"}, 1).status().message(),
            "--s0-reverse-gpio 'gpiochip0': expected CHIP:LINE, e.g. gpiochip0:17");
  EXPECT_EQ(ParseGpioArgs({.tariff = "gpiochip0:x"}, 1).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseGpioArgs({.s0_forward = "gpiochip0:1"}, 2).status().code(),
            Status::Code::kInvalidArgument);
}

#ifndef PRO380_HAVE_GPIOD
TEST(GpioArgsTest, ABuildWithoutLibgpiodRefusesLinesClearly) {
  const auto line = transport::OpenGpioOutput({"gpiochip0", 17}, "test");
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(line.status().message().find("PRO380_WITH_GPIOD"), std::string::npos);
}
#else
// The libgpiod build (make check-sanitize builds with -DPRO380_WITH_GPIOD=ON): the real calls
// run; without a chip on the test machine, a chip that is not there is named, for both kinds.
TEST(GpioArgsTest, ALibgpiodBuildNamesAChipThatIsNotThere) {
  const auto output = transport::OpenGpioOutput({"pro380-no-such-chip", 17}, "test");
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.status().code(), Status::Code::kIoError);
  EXPECT_EQ(output.status().message(), "GPIO pro380-no-such-chip:17: no such chip");
  const auto input = transport::OpenGpioInput({"pro380-no-such-chip", 4}, "test");
  ASSERT_FALSE(input.ok());
  EXPECT_EQ(input.status().message(), "GPIO pro380-no-such-chip:4: no such chip");
}
#endif

}  // namespace
}  // namespace pro380::app
