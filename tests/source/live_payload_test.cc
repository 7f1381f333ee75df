#include "source/live_payload.h"

#include <gtest/gtest.h>

namespace pro380::source {
namespace {

TEST(ParseLivePayload, TakesTheCanonicalNamesInTheirUnits) {
  const ParsedPayload parsed = ParseLivePayload(
      R"({"voltage_l1_v": 231.5, "current_l2_a": -4, "active_power_l3_kw": 1.25,
          "reactive_power_l3_kvar": -0.5, "frequency_hz": 49.95})",
      PayloadFormat::kCanonical);
  ASSERT_TRUE(parsed.reading) << parsed.error->message;
  const LiveReading& r = *parsed.reading;
  EXPECT_EQ(r.phase[0].voltage_v, 231.5);
  EXPECT_FALSE(r.phase[0].active_w);
  EXPECT_EQ(r.phase[1].current_a, -4);
  EXPECT_EQ(r.phase[2].active_w, 1250);
  EXPECT_EQ(r.phase[2].reactive_var, -500);
  EXPECT_EQ(r.frequency_hz, 49.95);
}

TEST(ParseLivePayload, NamesWhatIsWrong) {
  struct Case {
    const char* text;
    PayloadProblem problem;
    const char* message;
  };
  for (const Case& c : {
           Case{"{\"voltage_l1_v\": 23", PayloadProblem::kMalformed, "not JSON"},
           Case{"[1, 2]", PayloadProblem::kMalformed, "not a JSON object"},
           Case{R"({"voltage_l1_v": "230"})", PayloadProblem::kMalformed,
                "'voltage_l1_v' is not a number"},
           Case{R"({"active_power_l1_w": 2300})", PayloadProblem::kUnknownKey,
                "unknown key 'active_power_l1_w' (keys: voltage_lN_v, current_lN_a, "
                "active_power_lN_kw, reactive_power_lN_kvar with N 1-3, frequency_hz)"},
           Case{"{}", PayloadProblem::kNoValue, "the payload states no value"},
       }) {
    const ParsedPayload parsed = ParseLivePayload(c.text, PayloadFormat::kCanonical);
    EXPECT_FALSE(parsed.reading) << c.text;
    ASSERT_TRUE(parsed.error) << c.text;
    EXPECT_EQ(parsed.error->problem, c.problem) << c.text;
    EXPECT_EQ(parsed.error->message, c.message);
  }
}

TEST(PayloadFormat, NamesRoundTrip) {
  EXPECT_EQ(PayloadFormatFromName("canonical"), PayloadFormat::kCanonical);
  EXPECT_FALSE(PayloadFormatFromName("xml"));
}

}  // namespace
}  // namespace pro380::source
