#include "app/mbus_scan.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/mbus/slave_device.h"

namespace pro380::app {
namespace {

struct FakeMeter {
  uint32_t id;
  uint16_t manufacturer;
  uint8_t version;
  uint8_t medium;
};

bool Matches(const mbus::SecondaryMask& mask, const FakeMeter& m) {
  uint32_t id = m.id;
  for (std::size_t i = 8; i > 0; --i) {
    const uint8_t digit = mask.digits[i - 1];
    if (digit != mbus::kAnyDigit && digit != id % 10) return false;
    id /= 10;
  }
  return (mask.manufacturer == mbus::kAnyManufacturer || mask.manufacturer == m.manufacturer) &&
         (mask.version == mbus::kAnyByte || mask.version == m.version) &&
         (mask.medium == mbus::kAnyByte || mask.medium == m.medium);
}

struct Search {
  explicit Search(std::vector<FakeMeter> m) : meters(std::move(m)) {}
  std::vector<FakeMeter> meters;
  std::vector<std::string> probed;
  std::set<std::string> found;

  void Run(const mbus::SecondaryMask& start) {
    const auto probe = [&](const mbus::SecondaryMask& mask) -> Result<SelectProbe> {
      probed.push_back(mask.FullText());
      int matching = 0;
      for (const FakeMeter& m : meters) matching += Matches(mask, m) ? 1 : 0;
      return matching == 0 ? SelectProbe::kNone
                           : (matching == 1 ? SelectProbe::kOne : SelectProbe::kSeveral);
    };
    const auto on_found = [&](const mbus::SecondaryMask& mask) {
      found.insert(mask.FullText());
      return Status::Ok();
    };
    ASSERT_TRUE(SecondarySearch(
                    probe, on_found, [](const mbus::SecondaryMask&) {}, start)
                    .ok());
  }
};

// A filter with the given fields (the others not given).
MbusScanFilter Filter(std::optional<std::string> secondary, std::optional<std::string> manufacturer,
                      std::optional<int> version, std::optional<int> medium) {
  MbusScanFilter filter;
  filter.secondary = std::move(secondary);
  filter.manufacturer = std::move(manufacturer);
  filter.version = version;
  filter.medium = medium;
  return filter;
}

const uint16_t kInm = mbus::ManufacturerCode("INM");
const uint16_t kAbc = mbus::ManufacturerCode("ABC");

TEST(MbusScanTest, FixedDigitsOfTheStartMaskAreNeverProbedOtherwise) {
  Search search({{12345601, kInm, 1, 2}, {12345602, kInm, 1, 2}, {12346601, kInm, 1, 2}});
  search.Run(*mbus::SecondaryMask::FromText("12345FFF"));
  EXPECT_EQ(search.found, (std::set<std::string>{"12345601FFFFFFFF", "12345602FFFFFFFF"}));
  for (const std::string& mask : search.probed) EXPECT_EQ(mask.substr(0, 5), "12345") << mask;
  // 12345FFF (two), 123450FF..123459FF (123456FF two), 1234560F..1234569F (1234560F two),
  // 12345600..12345609 (two found): the three fixed digits cost nothing, 12346601 is not heard.
  EXPECT_EQ(search.probed.size(), 1u + 10u + 10u + 10u);
}

TEST(MbusScanTest, AManufacturerFilterLeavesOtherMakesSilent) {
  Search search({{11111111, kInm, 1, 2}, {11111112, kAbc, 1, 2}, {22222222, kInm, 1, 7}});
  const MbusScanFilter filter = Filter({}, "INM", {}, 2);
  auto start = ScanStartMask(filter);
  ASSERT_TRUE(start.ok()) << start.status().message();
  EXPECT_EQ(start->FullText(), "FFFFFFFFCD25FF02");
  search.Run(*start);
  // Only the INM electricity meter matches: selected by the first probe (the scan then reads
  // its ID), no descent through the others.
  EXPECT_EQ(search.found, (std::set<std::string>{"FFFFFFFFCD25FF02"}));
  EXPECT_EQ(search.probed, (std::vector<std::string>{"FFFFFFFFCD25FF02"}));
}

TEST(MbusScanTest, TheStartMaskCombinesTheMaskAndTheOptions) {
  auto start = ScanStartMask(Filter("1234FFFF", {}, 1, {}));
  ASSERT_TRUE(start.ok()) << start.status().message();
  EXPECT_EQ(start->FullText(), "1234FFFFFFFF01FF");
  start = ScanStartMask(Filter("FFFFFFFFCD25FF02", {}, {}, {}));
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->manufacturer, kInm);
  EXPECT_EQ(start->medium, 2);
  EXPECT_EQ(ScanStartMask(MbusScanFilter())->FullText(), "FFFFFFFFFFFFFFFF");
}

TEST(MbusScanTest, BadFiltersNameTheOptionAndTheForm) {
  const auto message = [](const MbusScanFilter& filter) {
    auto start = ScanStartMask(filter);
    EXPECT_FALSE(start.ok());
    return start.ok() ? std::string() : std::string(start.status().message());
  };
  EXPECT_NE(message(Filter("1234", {}, {}, {})).find("--secondary '1234' must be a mask"),
            std::string::npos);
  EXPECT_NE(message(Filter("1234FFFFCD25FF0G", {}, {}, {})).find("16"), std::string::npos);
  EXPECT_NE(message(Filter({}, "inm", {}, {})).find("3 capital letters"), std::string::npos);
  EXPECT_NE(message(Filter({}, {}, 255, {})).find("--version 255 must be 0..254"),
            std::string::npos);
  EXPECT_NE(message(Filter({}, {}, {}, -1)).find("--medium -1 must be 0..254"), std::string::npos);
  EXPECT_NE(message(Filter("FFFFFFFFCD25FF02", "INM", {}, {}))
                .find("--manufacturer and --secondary's mask both set the manufacturer"),
            std::string::npos);
  EXPECT_NE(message(Filter("FFFFFFFFCD25FF02", {}, {}, 2)).find("both set the medium"),
            std::string::npos);
}

}  // namespace
}  // namespace pro380::app
