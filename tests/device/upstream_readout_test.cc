#include "device/upstream_readout.h"

#include <gtest/gtest.h>

#include <bit>
#include <vector>

#include "device/sdm630_map.h"

namespace pro380::device {
namespace {

// Puts `value` as a float32, high word first, at `address` of a block starting at `start`.
void PutFloat(std::vector<uint16_t>& words, uint16_t start, uint16_t address, float value) {
  const auto bits = std::bit_cast<uint32_t>(value);
  words.at(address - start) = static_cast<uint16_t>(bits >> 16);
  words.at(address - start + 1) = static_cast<uint16_t>(bits & 0xFFFF);
}

TEST(UpstreamReadoutTest, MapNamesRoundTrip) {
  EXPECT_EQ(UpstreamMapFromName("pro380"), UpstreamMap::kPro380);
  EXPECT_EQ(UpstreamMapFromName("sdm630"), UpstreamMap::kSdm630);
  EXPECT_EQ(UpstreamMapFromName("SDM630"), std::nullopt);
  EXPECT_EQ(UpstreamMapName(UpstreamMap::kSdm630), "sdm630");
}

TEST(UpstreamReadoutTest, Pro380IsOneHoldingReadOfTheMeasurementBlock) {
  const auto blocks = UpstreamBlocks(UpstreamMap::kPro380);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].function, 0x03);
  EXPECT_EQ(blocks[0].start, 0x5000);
  EXPECT_EQ(blocks[0].count, 50);
}

TEST(UpstreamReadoutTest, Pro380WordsBecomeSiValuesPerPhase) {
  const UpstreamBlock block = UpstreamBlocks(UpstreamMap::kPro380)[0];
  std::vector<uint16_t> words(block.count, 0);
  PutFloat(words, block.start, 0x5002, 231.2f);  // voltage L1
  PutFloat(words, block.start, 0x5006, 229.9f);  // voltage L3
  PutFloat(words, block.start, 0x5008, 49.98f);  // frequency
  PutFloat(words, block.start, 0x500E, -5.21f);  // current L2 (exporting)
  PutFloat(words, block.start, 0x5012, 9.9f);    // total power: not a phase value
  PutFloat(words, block.start, 0x5016, -1.2f);   // active power L2, kW
  PutFloat(words, block.start, 0x501C, 0.35f);   // reactive power L1, kvar
  UpstreamValues values;
  DecodeUpstreamBlock(UpstreamMap::kPro380, block, words, values);
  EXPECT_DOUBLE_EQ(*values.phase[0].voltage_v, 231.2);
  EXPECT_DOUBLE_EQ(*values.phase[2].voltage_v, 229.9);
  EXPECT_DOUBLE_EQ(*values.frequency_hz, 49.98);
  EXPECT_DOUBLE_EQ(*values.phase[1].current_a, -5.21);
  EXPECT_DOUBLE_EQ(*values.phase[1].active_w, -1200.0);
  EXPECT_DOUBLE_EQ(*values.phase[0].reactive_var, 350.0);
  EXPECT_DOUBLE_EQ(*values.phase[0].active_w, 0.0);  // the block states every phase
}

TEST(UpstreamReadoutTest, Sdm630IsTwoInputReadsOfItsTable) {
  const auto blocks = UpstreamBlocks(UpstreamMap::kSdm630);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ((std::vector<int>{blocks[0].function, blocks[0].start, blocks[0].count}),
            (std::vector<int>{0x04, 0x0000, 30}));
  EXPECT_EQ((std::vector<int>{blocks[1].function, blocks[1].start, blocks[1].count}),
            (std::vector<int>{0x04, 0x0046, 2}));
}

TEST(UpstreamReadoutTest, Sdm630WordsBecomeSiValuesPerPhase) {
  const auto blocks = UpstreamBlocks(UpstreamMap::kSdm630);
  std::vector<uint16_t> first(blocks[0].count, 0);
  PutFloat(first, 0, 0x0000, 231.5f);   // 30001 L1 voltage
  PutFloat(first, 0, 0x0004, 228.25f);  // 30005 L3 voltage
  PutFloat(first, 0, 0x0008, 5.5f);     // 30009 L2 current
  PutFloat(first, 0, 0x000C, 2300.0f);  // 30013 L1 power W
  PutFloat(first, 0, 0x0010, -750.5f);  // 30017 L3 power W
  PutFloat(first, 0, 0x001A, -120.0f);  // 30027 L2 var
  PutFloat(first, 0, 0x0012, 9999.0f);  // 30019 L1 VA: not taken
  std::vector<uint16_t> second(blocks[1].count, 0);
  PutFloat(second, 0x0046, 0x0046, 49.95f);  // 30071 frequency
  UpstreamValues values;
  DecodeUpstreamBlock(UpstreamMap::kSdm630, blocks[0], first, values);
  DecodeUpstreamBlock(UpstreamMap::kSdm630, blocks[1], second, values);
  EXPECT_DOUBLE_EQ(*values.phase[0].voltage_v, 231.5);
  EXPECT_DOUBLE_EQ(*values.phase[2].voltage_v, 228.25);
  EXPECT_DOUBLE_EQ(*values.phase[1].current_a, 5.5);
  EXPECT_DOUBLE_EQ(*values.phase[0].active_w, 2300.0);
  EXPECT_DOUBLE_EQ(*values.phase[2].active_w, -750.5);
  EXPECT_DOUBLE_EQ(*values.phase[1].reactive_var, -120.0);
  EXPECT_NEAR(*values.frequency_hz, 49.95, 1e-5);  // a float32, taken as it is
}

TEST(UpstreamReadoutTest, Sdm630NanLeavesTheValueOut) {
  const auto blocks = UpstreamBlocks(UpstreamMap::kSdm630);
  std::vector<uint16_t> words(blocks[0].count, 0);
  words[0] = 0x7FC0;  // a quiet NaN at 30001
  UpstreamValues values;
  DecodeUpstreamBlock(UpstreamMap::kSdm630, blocks[0], words, values);
  EXPECT_FALSE(values.phase[0].voltage_v.has_value());
  EXPECT_DOUBLE_EQ(*values.phase[1].voltage_v, 0.0);
}

}  // namespace
}  // namespace pro380::device
