#include "app/mbus_scan.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/mbus/slave_device.h"

namespace pro380::app {
namespace {

// How a fake meter takes a selection with a fabrication number record.
enum class Fabrication { kCompared, kIgnored, kRefused };

struct FakeMeter {
  uint32_t id;
  uint16_t manufacturer;
  uint8_t version;
  uint8_t medium;
  uint32_t fabrication = 0;
  Fabrication takes = Fabrication::kCompared;
};

bool DigitsMatch(const std::array<uint8_t, 8>& digits, uint32_t value) {
  for (std::size_t i = 8; i > 0; --i) {
    const uint8_t digit = digits[i - 1];
    if (digit != mbus::kAnyDigit && digit != value % 10) return false;
    value /= 10;
  }
  return true;
}

bool Matches(const mbus::SecondaryMask& mask, const FakeMeter& m) {
  if (mask.fabrication) {
    if (m.takes == Fabrication::kRefused) return false;
    if (m.takes == Fabrication::kCompared && !DigitsMatch(*mask.fabrication, m.fabrication)) {
      return false;
    }
  }
  return DigitsMatch(mask.digits, m.id) &&
         (mask.manufacturer == mbus::kAnyManufacturer || mask.manufacturer == m.manufacturer) &&
         (mask.version == mbus::kAnyByte || mask.version == m.version) &&
         (mask.medium == mbus::kAnyByte || mask.medium == m.medium);
}

struct Search {
  explicit Search(std::vector<FakeMeter> m) : meters(std::move(m)) {}
  std::vector<FakeMeter> meters;
  std::vector<std::string> probed;
  std::set<std::string> found;  // Text(): "12345601", "12345601 fabrication number 22091039"
  std::vector<std::string> duplicates;

  void Run(const mbus::SecondaryMask& start) {
    const auto probe = [&](const mbus::SecondaryMask& mask) -> Result<SelectProbe> {
      probed.push_back(mask.Text());
      int matching = 0;
      for (const FakeMeter& m : meters) matching += Matches(mask, m) ? 1 : 0;
      return matching == 0 ? SelectProbe::kNone
                           : (matching == 1 ? SelectProbe::kOne : SelectProbe::kSeveral);
    };
    const auto on_found = [&](const mbus::SecondaryMask& mask) {
      found.insert(mask.Text());
      return Status::Ok();
    };
    const auto on_duplicate = [&](const mbus::SecondaryMask& mask) {
      duplicates.push_back(mask.Text());
    };
    ASSERT_TRUE(SecondarySearch(probe, on_found, on_duplicate, start).ok());
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
  EXPECT_EQ(search.found, (std::set<std::string>{"12345601", "12345602"}));
  for (const std::string& mask : search.probed) EXPECT_EQ(mask.substr(0, 5), "12345") << mask;
  // 12345FFF (two), 123450FF..123459FF (123456FF two), 1234560F..1234569F (1234560F two),
  // 12345600..12345609 (two found): the three fixed digits cost nothing, 12346601 is not heard.
  EXPECT_EQ(search.probed.size(), 1u + 10u + 10u + 10u);
}

TEST(MbusScanTest, MetersSharingASecondaryAddressAreToldApartByFabricationNumber) {
  Search search({{31000002, kInm, 1, 2, 22091039},
                 {31000002, kInm, 1, 2, 22091040},
                 {31000001, kInm, 1, 2, 22091041}});
  search.Run({});
  EXPECT_EQ(search.found, (std::set<std::string>{"31000001", "31000002 fabrication number 2209103F",
                                                 "31000002 fabrication number 2209104F"}));
  EXPECT_TRUE(search.duplicates.empty());
  // The ID search (1 + 8 x 10), then the fabrication digits down to the 7th, where the two
  // differ (22091039, 22091040) and each answers alone.
  EXPECT_EQ(search.probed.size(), 1u + 80u + 70u);
}

TEST(MbusScanTest, MetersSharingTheFabricationNumberTooAreOneDuplicate) {
  Search search({{31000002, kInm, 1, 2, 22091039}, {31000002, kInm, 1, 2, 22091039}});
  search.Run({});
  EXPECT_TRUE(search.found.empty());
  EXPECT_EQ(search.duplicates, std::vector<std::string>{"31000002 fabrication number 22091039"});
}

TEST(MbusScanTest, MetersIgnoringTheFabricationNumberAreOneDuplicateInTenProbes) {
  Search search({{31000002, kInm, 1, 2, 1, Fabrication::kIgnored},
                 {31000002, kInm, 1, 2, 2, Fabrication::kIgnored}});
  search.Run({});
  EXPECT_TRUE(search.found.empty());
  EXPECT_EQ(search.duplicates, std::vector<std::string>{"31000002 fabrication number FFFFFFFF"});
  EXPECT_EQ(search.probed.size(), 1u + 80u + 10u);
}

TEST(MbusScanTest, MetersRefusingTheFabricationNumberAreOneDuplicate) {
  Search search({{31000002, kInm, 1, 2, 1, Fabrication::kRefused},
                 {31000002, kInm, 1, 2, 2, Fabrication::kRefused}});
  search.Run({});
  EXPECT_TRUE(search.found.empty());
  EXPECT_EQ(search.duplicates, std::vector<std::string>{"31000002"});
  EXPECT_EQ(search.probed.size(), 1u + 80u + 10u);
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
