#include <gtest/gtest.h>

#include "app/scan_command.h"

namespace pro380::app {
namespace {

TEST(ScanIdsTest, RangesAndListsInOrderWithoutRepeats) {
  EXPECT_EQ(*ParseIdList("1-3"), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(*ParseIdList("7"), (std::vector<uint8_t>{7}));
  EXPECT_EQ(*ParseIdList("10-12,1,3,11"), (std::vector<uint8_t>{1, 3, 10, 11, 12}));
  EXPECT_EQ(ParseIdList("1-247")->size(), 247u);
}

TEST(ScanIdsTest, RefusesWhatIsNoIdList) {
  for (const char* bad : {"", "0", "248", "1-248", "5-2", "1,", ",1", "a", "1-2-3", "-3", "1--2"}) {
    const auto parsed = ParseIdList(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find("--ids"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace pro380::app
