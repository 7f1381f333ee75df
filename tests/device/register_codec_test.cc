// Encodings and the device's resolution (docs/registers/modbus.md, "Encodings", "Resolution").
#include "device/register_codec.h"

#include <gtest/gtest.h>

#include <vector>

namespace pro380::device {
namespace {

using metering::QuantityId;

TEST(RegisterCodecTest, EnergiesShowOnlyCompletedHundredths) {
  const RegisterDef def = Energy(0x6000, QuantityId::kActiveEnergyKwh);
  EXPECT_EQ(Quantize(def, 15062039999999 * 1e-9), 15062.03);  // 1 µWh short of .04
  EXPECT_EQ(Quantize(def, 15062040000000 * 1e-9), 15062.04);
  EXPECT_EQ(Quantize(def, -2.019), -2.01);  // C-06/C-09 totals: toward zero
}

// Every register that is a whole number of hundredths shows exactly that number, up to the
// display's 999999.99 kWh (the conversion µWh → kWh of metering::Read may land an ulp below).
TEST(RegisterCodecTest, WholeHundredthsShowExactly) {
  const RegisterDef def = Energy(0x6000, QuantityId::kActiveEnergyKwh);
  for (int64_t hundredths = 0; hundredths < 100'000'000; hundredths += 997) {
    const double kwh = static_cast<double>(hundredths * 10'000'000) * 1e-9;
    ASSERT_EQ(Quantize(def, kwh), static_cast<double>(hundredths) / 100) << hundredths;
  }
}

TEST(RegisterCodecTest, InstantaneousValuesRoundToNearest) {
  EXPECT_EQ(Quantize(Measured(0x5002, QuantityId::kVoltageL1V, 1), 234.35), 234.4);
  EXPECT_EQ(Quantize(Measured(0x5014, QuantityId::kActivePowerL1Kw, 3), -0.2324), -0.232);
}

TEST(RegisterCodecTest, WordsOfEachEncoding) {
  using E = Encoding;
  EXPECT_EQ(Encode(Device(0, DeviceValue::kSerialNumber, E::kBcd32), 22091039),
            (EntryWords{0x2209, 0x1039}));
  EXPECT_EQ(Encode(Device(0, DeviceValue::kLcdCycleTime, E::kBcd16), 25)[0], 0x0025);
  EXPECT_EQ(Encode(Device(0, DeviceValue::kChecksum, E::kHex32), 0x0D012D35),
            (EntryWords{0x0D01, 0x2D35}));
  EXPECT_EQ(Encode(Device(0, DeviceValue::kErrorCode, E::kS16), -1)[0], 0xFFFF);
  EXPECT_EQ(Encode(Device(0, DeviceValue::kProtocolVersion, E::kFloat32), 3.2),
            (EntryWords{0x404C, 0xCCCD}));
}

TEST(RegisterCodecTest, DecodeRefusesWhatIsNoValue) {
  const std::vector<uint16_t> not_bcd = {0x001A};
  EXPECT_EQ(Decode(Encoding::kBcd16, not_bcd), std::nullopt);
  const std::vector<uint16_t> nan = {0x7FC0, 0x0000};
  EXPECT_EQ(Decode(Encoding::kFloat32, nan), std::nullopt);
  const std::vector<uint16_t> ten = {0x4120, 0x0000};
  EXPECT_EQ(Decode(Encoding::kFloat32, ten), 10.0);
  const std::vector<uint16_t> minus_one = {0xFFFF};
  EXPECT_EQ(Decode(Encoding::kS16, minus_one), -1.0);
}

}  // namespace
}  // namespace pro380::device
