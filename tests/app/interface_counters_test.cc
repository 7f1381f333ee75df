// MeterCounterValues: a bus's meters' counters shown each under its meter or summed over the bus
// (app/interface_counters.h; the fleet's buses are summed, docs/web.md "Counters").
#include "app/interface_counters.h"

#include <gtest/gtest.h>

namespace pro380::app {
namespace {

TEST(MeterCounterValuesTest, EachMeterUnderItsOwnName) {
  CounterValues values{{"connections_open", 2}};
  MeterCounterValues meters(values, MeterCounters::kEach, 2);
  meters.Add("00000001", {{"requests", 5}, {"replies", 4}});
  meters.Add("00000002", {{"requests", 7}, {"replies", 7}});
  const CounterValues want{{"connections_open", 2},
                           {"meter_00000001.requests", 5},
                           {"meter_00000001.replies", 4},
                           {"meter_00000002.requests", 7},
                           {"meter_00000002.replies", 7}};
  EXPECT_EQ(values, want);
}

TEST(MeterCounterValuesTest, SummedOverTheBusAfterTheNumberOfMeters) {
  CounterValues values{{"connections_open", 2}};
  MeterCounterValues meters(values, MeterCounters::kSummed, 3);
  meters.Add("00000001", {{"requests", 5}, {"replies", 4}});
  meters.Add("00000002", {{"requests", 7}, {"replies", 7}});
  meters.Add("00000003", {{"requests", 0}, {"replies", 1}});
  values.emplace_back("collisions", 1);  // the bus's own, after the meters'
  const CounterValues want{
      {"connections_open", 2}, {"meters", 3}, {"requests", 12}, {"replies", 12}, {"collisions", 1}};
  EXPECT_EQ(values, want);
}

TEST(MeterCounterValuesTest, ABusWithoutMetersSumsToNothing) {
  CounterValues values;
  MeterCounterValues meters(values, MeterCounters::kSummed, 0);
  const CounterValues want{{"meters", 0}};
  EXPECT_EQ(values, want);
}

}  // namespace
}  // namespace pro380::app
