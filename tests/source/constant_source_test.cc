#include "source/constant_source.h"

#include <gtest/gtest.h>

namespace pro380::source {
namespace {

// Found by tests/fuzz/const_spec: finite P and U gave an infinite current.
TEST(ParseConstantSpec, RejectsACurrentBeyondDoubleRange) {
  const auto parsed = ParseConstantSpec("P1=1e308,U1=1e-300");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "const source: phase 1: the apparent power or current is beyond double range");
}

TEST(ParseConstantSpec, RejectsAnApparentPowerBeyondDoubleRange) {
  const auto parsed = ParseConstantSpec("P3=1.5e308,Q3=1.5e308");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "const source: phase 3: the apparent power or current is beyond double range");
}

TEST(ParseConstantSpec, KeepsLargeFiniteValues) {
  const auto parsed = ParseConstantSpec("P2=-1e300,U2=500");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->phase[1].current_a, -1e300 / 500);
}

}  // namespace
}  // namespace pro380::source
