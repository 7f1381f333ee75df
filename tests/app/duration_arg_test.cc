#include "app/duration_arg.h"

#include <gtest/gtest.h>

namespace pro380::app {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsUnitSequences) {
  EXPECT_EQ(*ParseDuration("1h"), 1h);
  EXPECT_EQ(*ParseDuration("90s"), 90s);
  EXPECT_EQ(*ParseDuration("1h30m"), 90min);
  EXPECT_EQ(*ParseDuration("500ms"), 500ms);
  EXPECT_EQ(*ParseDuration("0.5s"), 500ms);
  EXPECT_EQ(*ParseDuration("2d"), 48h);
  EXPECT_EQ(*ParseDuration("1w"), 168h);
  EXPECT_EQ(*ParseDuration("1y"), 8760h);
}

TEST(ParseDuration, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "1", "h", "1x", "-1h", "1h-", "0s", "101y", "nan s", "1 h"}) {
    const auto parsed = ParseDuration(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

// Found by tests/fuzz/duration: a positive total below 0.5 ns was accepted as a zero duration.
TEST(ParseDuration, RejectsWhatRoundsToZeroNanoseconds) {
  EXPECT_EQ(*ParseDuration("1e-9s"), 1ns);
  const auto parsed = ParseDuration("0.0000000001s");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "duration '0.0000000001s' must be at least 1 ns and at most 100 years");
}

}  // namespace
}  // namespace pro380::app
