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

TEST(ScanIdsTest, PrimaryAddressesRunFromZeroTo250) {
  EXPECT_EQ(*ParseIdList("0,250", kMbusPrimaryAddresses), (std::vector<uint8_t>{0, 250}));
  EXPECT_EQ(ParseIdList("0-250", kMbusPrimaryAddresses)->size(), 251u);
  for (const char* bad : {"251", "0-251", "253", "-1"}) {
    const auto parsed = ParseIdList(bad, kMbusPrimaryAddresses);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("must be primary addresses 0..250"), std::string::npos)
        << parsed.status().message();
  }
  // Modbus IDs keep their own range: 0 is the broadcast, never probed.
  EXPECT_NE(ParseIdList("0").status().message().find("must be IDs 1..247"), std::string::npos);
}

}  // namespace
}  // namespace pro380::app
