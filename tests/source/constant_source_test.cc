#include "source/constant_source.h"

#include <gtest/gtest.h>

#include <string>

#include "metering/input_limits.h"

namespace pro380::source {
namespace {

// Found by tests/fuzz/const_spec: finite P and U gave an infinite current. Now a current S/U
// beyond the input limits (metering/input_limits.h) is refused, naming its keys and the range.
TEST(ParseConstantSpec, RejectsADerivedCurrentBeyondTheLimit) {
  const auto parsed = ParseConstantSpec("P1=1000,U1=1e-300");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parsed.status().message(),
            "const source: phase 1: current S/U = 1e+303 A (from P1, Q1, U1) is outside "
            "-10000..10000 A");
}

TEST(ParseConstantSpec, RejectsHugeValuesNamingTheKeyAndTheRange) {
  for (const auto& [spec, message] : std::initializer_list<std::pair<const char*, const char*>>{
           {"P1=1e300", "const source: P1=1e300 is outside -3000000..3000000 W"},
           {"P2=-1e300,U2=300", "const source: P2=-1e300 is outside -3000000..3000000 W"},
           {"Q3=1.5e308", "const source: Q3=1.5e308 is outside -3000000..3000000 var"},
           {"U1=1e300", "const source: U1=1e300 is outside 0..300 V"},
           {"F=1e300", "const source: F=1e300 is outside 45..65 Hz"},
       }) {
    const auto parsed = ParseConstantSpec(spec);
    ASSERT_FALSE(parsed.ok()) << spec;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << spec;
    EXPECT_EQ(parsed.status().message(), message) << spec;
  }
}

// Each limit: the limit itself passes, the next double beyond it fails naming key and range.
struct LimitCase {
  const char* key;
  const char* inside;
  const char* outside;
  const char* range;
};

TEST(ParseConstantSpec, EveryLimitJustInsidePassesJustOutsideFails) {
  // P at its limit needs U at its limit too, else the current S/U is beyond 10 000 A.
  for (const LimitCase& c : {
           LimitCase{"P1", "P1=3000000,U1=300", "P1=3000000.0000001,U1=300", "-3000000..3000000 W"},
           LimitCase{"P2", "P2=-3000000,U2=300", "P2=-3000000.0000001,U2=300",
                     "-3000000..3000000 W"},
           LimitCase{"Q3", "Q3=3000000,U3=300", "Q3=3000000.0000001,U3=300",
                     "-3000000..3000000 var"},
           LimitCase{"Q1", "Q1=-3000000,U1=300", "Q1=-3000000.0000001,U1=300",
                     "-3000000..3000000 var"},
           LimitCase{"U2", "U2=300", "U2=300.00000000001", "0..300 V"},
           LimitCase{"U3", "U3=0", "U3=-0.000001", "0..300 V"},
           LimitCase{"F", "F=65", "F=65.000000001", "45..65 Hz"},
           LimitCase{"F", "F=45", "F=44.999999999", "45..65 Hz"},
       }) {
    const auto inside = ParseConstantSpec(c.inside);
    EXPECT_TRUE(inside.ok()) << c.inside << ": " << inside.status().message();
    if (inside.ok()) {
      EXPECT_TRUE(metering::RecordWithinLimits(*inside)) << c.inside;
    }
    const auto outside = ParseConstantSpec(c.outside);
    ASSERT_FALSE(outside.ok()) << c.outside;
    EXPECT_EQ(outside.status().code(), Status::Code::kInvalidArgument);
    const std::string message = outside.status().message();
    EXPECT_NE(message.find(std::string(c.key) + "="), std::string::npos) << message;
    EXPECT_NE(message.find(std::string("is outside ") + c.range), std::string::npos) << message;
  }
}

TEST(ParseConstantSpec, TheDerivedCurrentHasItsLimitToo) {
  // At 230 V, 2.3 MW is exactly 10 000 A.
  const auto inside = ParseConstantSpec("P3=-2300000");
  ASSERT_TRUE(inside.ok()) << inside.status().message();
  EXPECT_EQ(inside->phase[2].current_a, -10'000);
  const auto outside = ParseConstantSpec("P3=-2300001");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().message(),
            "const source: phase 3: current S/U = -10000.004347826087 A (from P3, Q3, U3) is "
            "outside -10000..10000 A");
}

TEST(ParseConstantSpec, KeepsTheLargestAllowedValues) {
  const auto parsed = ParseConstantSpec("P2=-3e6,U2=300");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->phase[1].current_a, -10'000);
  EXPECT_EQ(parsed->phase[1].apparent_va, 3e6);
  EXPECT_TRUE(metering::RecordWithinLimits(*parsed));
}

}  // namespace
}  // namespace pro380::source
