#include "protocol/mbus/records.h"

#include <gtest/gtest.h>

namespace pro380::mbus {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Record(const RecordHeader& header, int64_t value) {
  Bytes out;
  AppendRecord(out, header, value);
  return out;
}

// Reference §3.2: the vendor convention's DIF/DIFE bytes (phase = storage number, reverse =
// function "minimum", tariff in the DIFE).
TEST(RecordsTest, StorageFunctionAndTariffGiveTheFieldConventionsBytes) {
  const Vib energy = MakeVib(0x04);
  EXPECT_EQ(Record({DataField::kBcd8, Function::kInstantaneous, 0, 0, 0, energy}, 12345678),
            (Bytes{0x0C, 0x04, 0x78, 0x56, 0x34, 0x12}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kInstantaneous, 1, 0, 0, energy}, 0),
            (Bytes{0x4C, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kInstantaneous, 2, 0, 0, energy}, 0),
            (Bytes{0x8C, 0x01, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kInstantaneous, 3, 0, 0, energy}, 0),
            (Bytes{0xCC, 0x01, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kMinimum, 0, 0, 0, energy}, 0),
            (Bytes{0x2C, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kMinimum, 3, 0, 0, energy}, 0),
            (Bytes{0xEC, 0x01, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(Record({DataField::kBcd8, Function::kMinimum, 0, 2, 0, energy}, 0),
            (Bytes{0xAC, 0x20, 0x04, 0, 0, 0, 0}));
  EXPECT_EQ(
      Record({DataField::kBcd6, Function::kInstantaneous, 2, 0, 0, MakeVib(0xFD, 0x47)}, 23012),
      (Bytes{0x8B, 0x01, 0xFD, 0x47, 0x12, 0x30, 0x02}));
  EXPECT_EQ(Record({DataField::kInt8, Function::kInstantaneous, 0, 1, 1, MakeVib(0x04)}, 0),
            (Bytes{0x81, 0x50, 0x04, 0x00}));
}

TEST(RecordsTest, NegativeBcdHasFInTheTopNibble) {
  Bytes out;
  AppendBcd(out, -1234, 4);
  EXPECT_EQ(out, (Bytes{0x34, 0x12, 0x00, 0xF0}));
  EXPECT_EQ(DecodeBcd(out), -1234);
  out.clear();
  AppendBcd(out, -99999999, 4);  // clamped to the 7 digits left
  EXPECT_EQ(out, (Bytes{0x99, 0x99, 0x99, 0xF9}));
}

TEST(RecordsTest, BcdRollsOverLikeACounter) {
  Bytes out;
  AppendBcd(out, 123456789, 4);
  EXPECT_EQ(out, (Bytes{0x89, 0x67, 0x45, 0x23}));
  EXPECT_EQ(DecodeBcd(Bytes{0x1A}), std::nullopt);
}

TEST(RecordsTest, PlainTextUnitIsSentReversed) {
  Bytes out;
  AppendRecord(out, {DataField::kInt8, Function::kInstantaneous, 0, 0, 0, PlainTextVib("Hz")}, 5);
  EXPECT_EQ(out, (Bytes{0x01, 0x7C, 0x02, 'z', 'H', 0x05}));
}

TEST(RecordsTest, ParseReadsBackWhatWasEncoded) {
  Bytes data;
  const RecordHeader voltage{DataField::kBcd6,   Function::kInstantaneous, 3, 0, 0,
                             MakeVib(0xFD, 0x47)};
  const RecordHeader address{DataField::kInt8, Function::kInstantaneous, 0, 0, 0, MakeVib(0x7A)};
  const RecordHeader reverse_t2{DataField::kBcd8, Function::kMinimum, 0, 2, 1, MakeVib(0x04)};
  AppendRecord(data, voltage, 23456);
  AppendRecord(data, address, -3);
  data.push_back(kDifIdleFiller);
  AppendRecord(data, reverse_t2, 42);
  data.insert(data.end(), {0x1F, 0xAA, 0xBB});
  auto parsed = ParseRecords(data);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].header, voltage);
  EXPECT_EQ((*parsed)[0].value, 23456);
  EXPECT_EQ((*parsed)[1].header, address);
  EXPECT_EQ((*parsed)[1].value, -3);
  EXPECT_EQ((*parsed)[2].header, reverse_t2);
  EXPECT_EQ((*parsed)[2].value, 42);
}

TEST(RecordsTest, ActionVifesAreSeparatedFromTheVib) {
  const Bytes data = {0x0C, 0x84, 0x07, 0x00, 0x00, 0x00, 0x00};  // energy, action "clear"
  auto parsed = ParseRecords(data);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].header.vib, MakeVib(0x04));
  ASSERT_EQ((*parsed)[0].action_count, 1);
  EXPECT_EQ((*parsed)[0].action_vifes[0], 0x07);
}

TEST(RecordsTest, TruncatedRecordsAreRefused) {
  for (const Bytes& data :
       {Bytes{0x0C}, Bytes{0x0C, 0x04, 0x01}, Bytes{0x8C}, Bytes{0x01, 0x7C},
        Bytes{0x01, 0x7C, 0x05, 'a'}, Bytes{0x0D, 0x04}, Bytes{0x0D, 0x04, 0x03}}) {
    EXPECT_FALSE(ParseRecords(data).ok()) << data.size();
  }
}

// What ends a telegram's records: nothing, DIF 0F (manufacturer data) or 1F (more follow).
TEST(RecordsTest, TelegramRecordsReportTheirTail) {
  const Bytes records = {0x01, 0x7A, 0x05, 0x2F, 0x02, 0xFD, 0x1C, 0x80, 0x25};
  auto plain = ParseTelegramRecords(records);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->tail_dif, 0);
  EXPECT_EQ(plain->records_size, records.size());
  EXPECT_EQ(plain->records.size(), 2u);
  Bytes more = records;
  more.push_back(kDifMoreRecordsFollow);
  auto split = ParseTelegramRecords(more);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->tail_dif, kDifMoreRecordsFollow);
  EXPECT_EQ(split->records_size, records.size());
  Bytes vendor = {0x01, 0x7A, 0x05, kDifManufacturerData, 0x12, 0x34};
  auto with_vendor = ParseTelegramRecords(vendor);
  ASSERT_TRUE(with_vendor.ok());
  EXPECT_EQ(with_vendor->tail_dif, kDifManufacturerData);
  EXPECT_EQ(with_vendor->records_size, 3u);
  EXPECT_EQ(with_vendor->records.size(), 1u);
}

}  // namespace
}  // namespace pro380::mbus
