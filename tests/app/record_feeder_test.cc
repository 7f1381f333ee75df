// RecordFeeder: meter time advances exactly by the span asked for, splitting records where a
// span ends inside one, whatever the batch size.
#include "app/record_feeder.h"

#include <gtest/gtest.h>

#include "metering/readings.h"
#include "source/constant_source.h"

namespace pro380::app {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Yields `count` records of 1 kW on L1 lasting `step` each, then ends.
class FiniteSource : public source::RecordSource {
 public:
  FiniteSource(int count, Duration step) : left_(count), step_(step) {}
  Result<std::size_t> Read(std::span<metering::Interval> out) override {
    std::size_t n = 0;
    for (; n < out.size() && left_ > 0; ++n, --left_) {
      out[n] = metering::Interval{};
      out[n].phase[0] = metering::PhaseFromPower(230, 1000, 0);
      out[n].duration = step_;
    }
    return n;
  }

 private:
  int left_;
  Duration step_;
};

TEST(RecordFeeder, SpansEndingInsideARecordSplitIt) {
  for (std::size_t batch : {1u, 2u, 7u, 4096u}) {
    FiniteSource source(10, seconds(1));
    RecordFeeder feeder(source, batch);
    metering::Meter meter(metering::MeterConfig{});
    EXPECT_EQ(*feeder.Feed(meter, milliseconds(2500)), milliseconds(2500));
    EXPECT_EQ(meter.now() - TimePoint{}, milliseconds(2500));
    EXPECT_EQ(*feeder.Feed(meter, milliseconds(700)), milliseconds(700));
    // 3.2 s of 1 kW = 3.2 kJ = 3.2e9 µJ, accounted exactly by registers plus residue.
    const double uj =
        static_cast<double>(meter.registers(metering::EnergyKind::kActive)
                                .Phase(0, metering::Direction::kForward)) *
            3600 +
        meter.residue_uj(metering::EnergyKind::kActive, 0, metering::Direction::kForward);
    EXPECT_DOUBLE_EQ(uj, 3.2e9) << "batch " << batch;
  }
}

TEST(RecordFeeder, ReportsLessThanAskedWhenTheSourceEnds) {
  FiniteSource source(3, seconds(2));
  RecordFeeder feeder(source, 2);
  metering::Meter meter(metering::MeterConfig{});
  EXPECT_EQ(*feeder.Feed(meter, seconds(100)), seconds(6));
  EXPECT_EQ(*feeder.Feed(meter, seconds(1)), Duration::zero());
}

TEST(RecordFeeder, ConstantSourceForAnHourGivesExactEnergy) {
  source::ConstantSource source(source::ManualExampleRecord(), source::kConstantStep);
  RecordFeeder feeder(source);
  metering::Meter meter(metering::MeterConfig{});
  ASSERT_EQ(*feeder.Feed(meter, std::chrono::hours(1)), std::chrono::hours(1));
  const metering::Readings r = metering::Read(meter);
  EXPECT_EQ(r[metering::QuantityId::kForwardActiveEnergyKwh], 10);
  EXPECT_EQ(r[metering::QuantityId::kReverseActiveEnergyKwh], 12);
}

}  // namespace
}  // namespace pro380::app
