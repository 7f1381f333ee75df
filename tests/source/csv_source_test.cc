// The csv: record source (docs/formats/csv.md): every column combination, line endings and
// comments, which interval a row covers (checked as exact energies through a Meter), every
// malformed case with its line number, and batch-size independence.
#include "source/csv_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "metering/meter.h"
#include "testing/run_binary.h"

namespace pro380::source {
namespace {

using metering::Interval;

Result<std::vector<Interval>> ParseAll(std::string_view text, std::size_t batch = 4096) {
  auto reader = CsvReader::Create(text, "test.csv");
  if (!reader.ok()) return reader.status();
  std::vector<Interval> all;
  std::vector<Interval> buffer(batch);
  while (true) {
    auto n = (*reader)->Read(buffer);
    if (!n.ok()) return n.status();
    if (*n == 0) return all;
    all.insert(all.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

std::vector<Interval> MustParse(std::string_view text, std::size_t batch = 4096) {
  auto records = ParseAll(text, batch);
  EXPECT_TRUE(records.ok()) << records.status().message();
  return records.ok() ? *records : std::vector<Interval>{};
}

void ExpectSameRecord(const Interval& a, const Interval& b, const std::string& where) {
  for (int k = 0; k < 3; ++k) {
    EXPECT_DOUBLE_EQ(a.phase[k].voltage_v, b.phase[k].voltage_v) << where << " L" << k + 1;
    EXPECT_DOUBLE_EQ(a.phase[k].current_a, b.phase[k].current_a) << where << " L" << k + 1;
    EXPECT_DOUBLE_EQ(a.phase[k].active_w, b.phase[k].active_w) << where << " L" << k + 1;
    EXPECT_DOUBLE_EQ(a.phase[k].reactive_var, b.phase[k].reactive_var) << where << " L" << k + 1;
    EXPECT_DOUBLE_EQ(a.phase[k].apparent_va, b.phase[k].apparent_va) << where << " L" << k + 1;
  }
  EXPECT_DOUBLE_EQ(a.frequency_hz, b.frequency_hz) << where;
  EXPECT_EQ(a.duration, b.duration) << where;
}

// ---------------------------------------------------------------------------------------------
// Columns

// Values of every column for three rows; a file states any subset of the optional ones.
constexpr const char* kColumns[] = {"time", "p1", "p2", "p3", "q1", "q2", "q3",
                                    "u1",   "u2", "u3", "i1", "i2", "i3", "f"};
constexpr double kRows[3][14] = {
    {0, 1000, -2300, 15.5, 300, -120, 0, 231, 229.5, 240, 4.5, -10.5, 0.25, 50.02},
    {1, -750.25, 0, 4600, -80, 0, 1200, 228, 232, 0.5, 3.5, 0, 9.5, 49.97},
    {3, 0, 1.5e3, -2e2, 0, 55, -70, 225, 230, 231.25, 0, 7, 1.5, 50.1},
};

// What the format says a row means: defaults for missing columns, PhaseFromPower otherwise.
Interval ExpectedRecord(const double* row, unsigned present, Duration duration) {
  const auto has = [present](int column) { return (present >> column & 1U) != 0; };
  Interval expected;
  for (int k = 0; k < 3; ++k) {
    const double p = row[1 + k];
    const double q = has(4 + k) ? row[4 + k] : 0;
    const double u = has(7 + k) ? row[7 + k] : 230;
    expected.phase[k] = metering::PhaseFromPower(u, p, q);
    if (has(10 + k)) {
      const double magnitude = std::fabs(row[10 + k]);
      expected.phase[k].current_a = p < 0 ? -magnitude : magnitude;
      expected.phase[k].apparent_va = std::max(expected.phase[k].apparent_va, u * magnitude);
    }
  }
  expected.frequency_hz = has(13) ? row[13] : 50;
  expected.duration = duration;
  return expected;
}

std::string Format(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

TEST(CsvSource, EveryCombinationOfOptionalColumnsInAnyOrder) {
  constexpr unsigned kRequired = 0b1111;  // time, p1, p2, p3
  for (unsigned optional = 0; optional < (1U << 10); ++optional) {
    const unsigned present = kRequired | optional << 4;
    std::vector<int> order;
    for (int c = 0; c < 14; ++c) {
      if (present >> c & 1U) order.push_back(c);
    }
    std::rotate(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(optional % order.size()),
                order.end());
    std::string text;
    for (std::size_t i = 0; i < order.size(); ++i) {
      std::string name = kColumns[order[i]];
      if (optional % 3 == 0) name[0] = static_cast<char>(std::toupper(name[0]));  // P1, Time
      text += (i ? "," : "") + name;
    }
    text += "\n";
    for (const auto& row : kRows) {
      for (std::size_t i = 0; i < order.size(); ++i) text += (i ? "," : "") + Format(row[order[i]]);
      text += "\n";
    }
    const std::vector<Interval> records = MustParse(text);
    ASSERT_EQ(records.size(), 3U) << text;
    const Duration steps[3] = {std::chrono::seconds(1), std::chrono::seconds(2),
                               std::chrono::seconds(2)};
    for (int r = 0; r < 3; ++r) {
      ExpectSameRecord(records[r], ExpectedRecord(kRows[r], present, steps[r]),
                       "columns " + std::to_string(present) + " row " + std::to_string(r));
    }
    if (HasFailure()) return;
  }
}

TEST(CsvSource, DefaultsAreThoseOfTheConstSource) {
  const auto records = MustParse("time,p1,p2,p3\n0,1000,-2300,0\n1,1000,-2300,0\n");
  ASSERT_EQ(records.size(), 2U);
  EXPECT_DOUBLE_EQ(records[0].phase[0].voltage_v, 230);
  EXPECT_DOUBLE_EQ(records[0].phase[1].current_a, -10);  // exporting phase: negative current
  EXPECT_DOUBLE_EQ(records[0].phase[2].current_a, 0);
  EXPECT_DOUBLE_EQ(records[0].phase[1].apparent_va, 2300);
  EXPECT_DOUBLE_EQ(records[0].frequency_hz, 50);
}

// ---------------------------------------------------------------------------------------------
// Lines

TEST(CsvSource, CrlfMixedEndingsCommentsBlankLinesBomAndNoFinalNewlineParseAlike) {
  const std::string lf = "time,p1,p2,p3,q1\n0,1,2,3,4\n1,5,6,7,8\n2,9,10,11,12\n";
  const auto reference = MustParse(lf);
  ASSERT_EQ(reference.size(), 3U);
  for (const std::string& variant : {
           std::string("time,p1,p2,p3,q1\r\n0,1,2,3,4\r\n1,5,6,7,8\r\n2,9,10,11,12\r\n"),
           std::string("time,p1,p2,p3,q1\r\n0,1,2,3,4\n1,5,6,7,8\r\n2,9,10,11,12"),
           std::string("time,p1,p2,p3,q1\n0,1,2,3,4\n1,5,6,7,8\n2,9,10,11,12\r\n"),
           std::string("\xEF\xBB\xBFtime,p1,p2,p3,q1\n0,1,2,3,4\n1,5,6,7,8\n2,9,10,11,12"),
           std::string("# logger export\r\n\r\n\ntime,p1,p2,p3,q1\n# first\n0,1,2,3,4\n\n1,5,6,7,8"
                       "\r\n#\n2,9,10,11,12\n\n# end\n"),
       }) {
    const auto records = MustParse(variant);
    ASSERT_EQ(records.size(), reference.size()) << variant;
    for (std::size_t i = 0; i < records.size(); ++i) {
      ExpectSameRecord(records[i], reference[i], "row " + std::to_string(i));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Which interval a row covers, as exact energies

struct MeterRun {
  metering::Meter meter;
  Duration elapsed{};
};

MeterRun ApplyThroughMeter(std::string_view text,
                           metering::CombinedCode code = metering::CombinedCode::kForwardOnly) {
  metering::MeterConfig config;
  config.combined_code = code;
  MeterRun run{metering::Meter(config)};
  for (const Interval& record : MustParse(text)) {
    run.meter.ApplyRecord(record);
    run.elapsed += record.duration;
  }
  return run;
}

int64_t PhaseUwh(const metering::Meter& m, int phase, metering::Direction d) {
  return m.registers(metering::EnergyKind::kActive).Phase(phase, d);
}

constexpr auto kFwd = metering::Direction::kForward;
constexpr auto kRev = metering::Direction::kReverse;

TEST(CsvSource, ARowHoldsUntilTheNextRowAndTheLastRowAsLongAsTheOneBefore) {
  // 1 kW for 30 min, then 2 kW for the last row's 30 min: 1.5 kWh on L1; L3 exports 0.25 kWh.
  const MeterRun run = ApplyThroughMeter("time,p1,p2,p3\n0,1000,0,-500\n1800,2000,0,0\n");
  EXPECT_EQ(run.elapsed, std::chrono::hours(1));
  EXPECT_EQ(run.meter.now() - TimePoint{}, std::chrono::hours(1));
  EXPECT_EQ(PhaseUwh(run.meter, 0, kFwd), 1'500'000'000);
  EXPECT_EQ(PhaseUwh(run.meter, 2, kRev), 250'000'000);
  EXPECT_EQ(PhaseUwh(run.meter, 1, kFwd) + PhaseUwh(run.meter, 1, kRev), 0);
}

TEST(CsvSource, IrregularAndFractionalTimesGiveExactDurations) {
  const auto records =
      MustParse("time,p1,p2,p3\n0.5,3600,0,0\n10.5,7200,0,0\n25.25,0,3600,0\n100,0,0,360\n");
  ASSERT_EQ(records.size(), 4U);
  EXPECT_EQ(records[0].duration, std::chrono::seconds(10));
  EXPECT_EQ(records[1].duration, std::chrono::milliseconds(14'750));
  EXPECT_EQ(records[2].duration, std::chrono::milliseconds(74'750));
  EXPECT_EQ(records[3].duration, std::chrono::milliseconds(74'750));
  const MeterRun run = ApplyThroughMeter(
      "time,p1,p2,p3\n0.5,3600,0,0\n10.5,7200,0,0\n25.25,0,3600,0\n100,0,0,360\n");
  // 3600 W · 10 s = 10 Wh; 7200 W · 14.75 s = 29.5 Wh; 3600 W · 74.75 s; 360 W · 74.75 s.
  EXPECT_EQ(PhaseUwh(run.meter, 0, kFwd), 39'500'000);
  EXPECT_EQ(PhaseUwh(run.meter, 1, kFwd), 74'750'000);
  EXPECT_EQ(PhaseUwh(run.meter, 2, kFwd), 7'475'000);
}

TEST(CsvSource, EpochAndRelativeTimesAreTheSame) {
  const auto relative = MustParse("time,p1,p2,p3\n0,1,2,3\n1,4,5,6\n3,7,8,9\n");
  const auto epoch =
      MustParse("time,p1,p2,p3\n1767225600,1,2,3\n1767225601,4,5,6\n1767225603,7,8,9\n");
  ASSERT_EQ(relative.size(), epoch.size());
  for (std::size_t i = 0; i < epoch.size(); ++i) ExpectSameRecord(relative[i], epoch[i], "row");
}

TEST(CsvSource, NettingIsPerRow) {
  // L1 +3, L2 +3, L3 -2 kW for 1 h, then L3 -8 kW for 1 h (two rows of 30 min).
  const std::string text =
      "time,p1,p2,p3\n0,3000,3000,-2000\n3600,3000,3000,-8000\n"
      "5400,3000,3000,-8000\n";
  const MeterRun run = ApplyThroughMeter(text, metering::CombinedCode::kNetted);
  const auto& active = run.meter.registers(metering::EnergyKind::kActive);
  EXPECT_EQ(active.Total(kFwd), 4'000'000'000);
  EXPECT_EQ(active.Total(kRev), 2'000'000'000);
  EXPECT_EQ(PhaseUwh(run.meter, 0, kFwd), 6'000'000'000);
  EXPECT_EQ(PhaseUwh(run.meter, 2, kRev), 10'000'000'000);
}

// ---------------------------------------------------------------------------------------------
// Input limits (metering/input_limits.h)

TEST(CsvSource, ValuesAtTheInputLimitsPass) {
  const auto records = MustParse(
      "time,p1,p2,p3,q1,q2,q3,u1,u2,u3,i1,i2,i3,f\n"
      "0,3000000,-3000000,0,0,0,-3000000,300,300,300,10000,-10000,10000,65\n"
      "1,0,0,0,3000000,-3000000,0,300,300,0,0,0,0,45\n");
  ASSERT_EQ(records.size(), 2U);
  for (const Interval& record : records) EXPECT_TRUE(metering::RecordWithinLimits(record));
  EXPECT_EQ(records[0].phase[0].apparent_va, 3e6);
  EXPECT_EQ(records[0].phase[1].current_a, -10'000);
}

TEST(CsvSource, AFileOf100YearsAtTheLimitsFitsTheRegisters) {
  // Three rows, the last lasting as long as the one before: exactly kMaxRunDuration, all phases
  // at the largest power. Under UBSan an overflow would fail this test.
  const int64_t third = metering::kMaxRunDuration.count() / 3'000'000'000;
  const std::string text = "time,p1,p2,p3,u1,u2,u3\n0,3e6,3e6,3e6,300,300,300\n" +
                           std::to_string(third) + ",-3e6,-3e6,-3e6,300,300,300\n" +
                           std::to_string(2 * third) + ",3e6,3e6,3e6,300,300,300\n";
  const auto records = MustParse(text);
  ASSERT_EQ(records.size(), 3U);
  for (metering::Wiring wiring : {metering::Wiring::k3P4W, metering::Wiring::k3P3W}) {
    metering::MeterConfig config;
    config.wiring = wiring;
    config.combined_code = metering::CombinedCode::kForwardPlusReverse;
    metering::Meter meter(config);
    meter.ApplyRecords(records);
    EXPECT_EQ(meter.now() - TimePoint{}, metering::kMaxRunDuration);
    const auto& active = meter.registers(metering::EnergyKind::kActive);
    const double total =
        static_cast<double>(active.Total(kFwd)) + static_cast<double>(active.Total(kRev));
    // 9 MW (3P4W: three phases; 3P3W: the two Aron elements measure the same total) for
    // 876 000 h, below the int64 limit of 9.22e18 µWh.
    EXPECT_NEAR(total, 9e6 * 876'000 * 1e6, 1e-9 * total);
    EXPECT_LT(total, 9.2e18);
  }
}

// ---------------------------------------------------------------------------------------------
// Malformed input

struct BadCsv {
  std::string name;
  std::string text;
  std::string message;  // the whole expected "test.csv:<line>: <problem>" or a prefix of it
};

void PrintTo(const BadCsv& bad, std::ostream* out) { *out << bad.name; }

class MalformedCsv : public ::testing::TestWithParam<BadCsv> {};

TEST_P(MalformedCsv, IsInvalidArgumentNamingFileLineAndProblem) {
  const auto records = ParseAll(GetParam().text);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(records.status().message().substr(0, GetParam().message.size()), GetParam().message)
      << records.status().message();
}

const std::string kHeader = "time,p1,p2,p3\n";

std::string CaseName(const ::testing::TestParamInfo<BadCsv>& param) { return param.param.name; }

INSTANTIATE_TEST_SUITE_P(
    EveryCase, MalformedCsv,
    ::testing::Values(
        BadCsv{"EmptyFile", "", "test.csv:1: empty file"},
        BadCsv{"OnlyComments", "# nothing\n\n", "test.csv:3: empty file"},
        BadCsv{"HeaderOnly", kHeader, "test.csv:2: no data rows after the header"},
        BadCsv{"HeaderAndComments", kHeader + "# none\n", "test.csv:3: no data rows"},
        BadCsv{"OneDataRow", kHeader + "0,1,2,3\n", "test.csv:2: only one data row"},
        BadCsv{"UnknownColumn", "time,p1,p2,p3,p4\n0,1,2,3,4\n",
               "test.csv:1: unknown column 'p4'; allowed: time (s), p1, p2, p3 (W), q1"},
        BadCsv{"SpacedColumnName", "time, p1,p2,p3\n", "test.csv:1: unknown column ' p1'"},
        BadCsv{"EmptyColumnName", "time,p1,p2,p3,\n", "test.csv:1: unknown column ''"},
        BadCsv{"RepeatedColumn", "time,p1,p2,p3,P1\n", "test.csv:1: column 'p1' appears twice"},
        BadCsv{"MissingTime", "p1,p2,p3\n1,2,3\n", "test.csv:1: missing column 'time'"},
        BadCsv{"MissingP2", "time,p1,p3,q2\n", "test.csv:1: missing column 'p2'"},
        BadCsv{"NonNumeric", kHeader + "0,1,2,3\n1,1,abc,3\n",
               "test.csv:3: column 'p2': 'abc' is not a number"},
        BadCsv{"TrailingGarbage", kHeader + "0,1,2,3\n1,1,2,3x\n",
               "test.csv:3: column 'p3': '3x' is not a number"},
        BadCsv{"EmptyField", kHeader + "0,1,,3\n", "test.csv:2: column 'p2' is empty"},
        BadCsv{"SpaceInField", kHeader + "0, 1,2,3\n", "test.csv:2: column 'p1': ' 1' is not"},
        BadCsv{"PlusSign", kHeader + "0,+1,2,3\n", "test.csv:2: column 'p1': '+1' is not"},
        BadCsv{"TooFewFields", kHeader + "0,1,2,3\n1,1,2\n",
               "test.csv:3: 3 fields, but the header names 4 columns"},
        BadCsv{"TooManyFields", kHeader + "0,1,2,3,4\n",
               "test.csv:2: 5 fields, but the header names 4 columns"},
        BadCsv{"TrailingComma", kHeader + "0,1,2,3,\n", "test.csv:2: 5 fields"},
        BadCsv{"NaN", kHeader + "0,1,2,3\n1,nan,2,3\n",
               "test.csv:3: column 'p1': 'nan' is not a finite number"},
        BadCsv{"Inf", kHeader + "0,1,2,-inf\n", "test.csv:2: column 'p3': '-inf' is not a finite"},
        BadCsv{"Overflow", kHeader + "0,1e999,2,3\n", "test.csv:2: column 'p1': '1e999' is not a"},
        BadCsv{"RepeatedTime", kHeader + "0,1,2,3\n1,1,2,3\n1,1,2,3\n",
               "test.csv:4: time 1 is not after the previous row's time 1"},
        BadCsv{"TimeGoesBack", kHeader + "5.5,1,2,3\n5.25,1,2,3\n",
               "test.csv:3: time 5.25 is not after the previous row's time 5.5"},
        // Found by tests/fuzz/csv_reader: the gap overflowed int64 nanoseconds. Now a file
        // covers at most 100 years (metering::kMaxRunDuration).
        BadCsv{"GapBeyondInt64Nanoseconds", kHeader + "-9000000000,1,2,3\n9000000000,1,2,3\n",
               "test.csv:3: time 9000000000 is more than 100 years after the first row's "
               "time -9000000000"},
        BadCsv{"SpanBeyond100Years", kHeader + "0,1,2,3\n1,1,2,3\n3153600001,1,2,3\n",
               "test.csv:4: time 3153600001 is more than 100 years after the first row's time 0"},
        BadCsv{"LastRowBeyond100Years", kHeader + "5,1,2,3\n1576800005,1,2,3\n3153600004,1,2,3\n",
               "test.csv:4: the last row, at time 3153600004, lasts as long as the row before it "
               "(1576799999 s), so it ends more than 100 years after the first row's time 5"},
        // Found by tests/fuzz/csv_reader: the message formatted the end time, which overflowed.
        BadCsv{"LastRowEndBeyondInt64Nanoseconds", kHeader + "3153600000,1,2,3\n6307200000,2,2,3\n",
               "test.csv:3: the last row, at time 6307200000, lasts as long as the row before it "
               "(3153600000 s), so it ends more than 100 years after the first row's time "
               "3153600000"},
        // Found by tests/fuzz/csv_reader: finite columns gave an infinite S or I. Now every
        // column and the derived current and apparent power are within the input limits.
        BadCsv{"ApparentPowerBeyondDoubleRange", "time,p1,p2,p3,q1\n0,1e200,0,0,0\n",
               "test.csv:2: column 'p1': '1e200' is outside -3000000..3000000 W"},
        BadCsv{"CurrentBeyondDoubleRange", "time,p1,p2,p3,u2\n0,0,1e300,0,1e-100\n",
               "test.csv:2: column 'p2': '1e300' is outside -3000000..3000000 W"},
        BadCsv{"DerivedCurrentBeyondLimit", "time,p1,p2,p3,u2\n0,0,1000,0,1e-100\n",
               "test.csv:2: phase 2: current S/U = 1e+103 A (from p2, q2, u2) is outside "
               "-10000..10000 A"},
        BadCsv{"DerivedApparentPowerBeyondLimit",
               "time,p1,p2,p3,q3,u3,i3\n0,0,0,2500000,2500000,300,100\n",
               "test.csv:2: phase 3: apparent power 3535533.9059327375 VA (from p3, q3) is outside "
               "0..3000000 VA"},
        BadCsv{"HugeNegativePower", kHeader + "0,1,2,3\n1,1,-1e300,3\n",
               "test.csv:3: column 'p2': '-1e300' is outside -3000000..3000000 W"},
        BadCsv{"ReactivePowerBeyondLimit", "time,q2,p1,p2,p3\n0,3000000.001,1,2,3\n",
               "test.csv:2: column 'q2': '3000000.001' is outside -3000000..3000000 var"},
        BadCsv{"CurrentColumnBeyondLimit", "time,p1,p2,p3,i1\n0,1,2,3,-10000.5\n",
               "test.csv:2: column 'i1': '-10000.5' is outside -10000..10000 A"},
        BadCsv{"VoltageBeyondLimit", "time,p1,p2,p3,u3\n0,1,2,3,300.001\n",
               "test.csv:2: column 'u3': '300.001' is outside 0..300 V"},
        BadCsv{"TimeWithExponent", kHeader + "1e3,1,2,3\n", "test.csv:2: time '1e3' is not a time"},
        BadCsv{"TimeTooPrecise", kHeader + "0.0000000001,1,2,3\n", "test.csv:2: time '0.0"},
        BadCsv{"TimeNotNumber", kHeader + "noon,1,2,3\n", "test.csv:2: time 'noon'"},
        BadCsv{"StrayCarriageReturn", kHeader + "0,1,2,3\r1,1,2,3\n",
               "test.csv:2: a carriage return inside the line"},
        BadCsv{"NegativeVoltage", "time,p1,p2,p3,u2\n0,1,2,3,-1\n",
               "test.csv:2: column 'u2': '-1' is outside 0..300 V"},
        BadCsv{"PowerWithoutVoltage", "time,p1,p2,p3,u3\n0,0,0,5,0\n",
               "test.csv:2: phase 3 has power but u3 = 0"},
        BadCsv{"FrequencyOutOfRange", "time,p1,p2,p3,f\n0,1,2,3,50\n1,1,2,3,70\n",
               "test.csv:3: column 'f': '70' is outside 45..65 Hz"},
        BadCsv{"LineNumbersCountCommentsAndBlankLines",
               "# a\n\ntime,p1,p2,p3\n0,1,2,3\n# b\r\n\r\n1,1,x,3\n", "test.csv:7: column 'p2'"},
        BadCsv{"ErrorAfterManyRows",
               [] {
                 std::string text = kHeader;
                 for (int i = 0; i < 10000; ++i) text += std::to_string(i) + ",1,2,3\n";
                 return text + "10000,1,2\n";
               }(),
               "test.csv:10002: 3 fields"}),
    CaseName);

TEST(CsvSource, AnErrorIsStickyAndKeepsItsMessage) {
  const std::string text = kHeader + "0,1,2,3\n1,x,2,3\n2,1,2,3\n";  // outlives the reader
  auto reader = CsvReader::Create(text, "f.csv");
  ASSERT_TRUE(reader.ok());
  std::vector<Interval> buffer(1);
  auto first = (*reader)->Read(buffer);
  ASSERT_FALSE(first.ok());
  auto again = (*reader)->Read(buffer);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), first.status().message());
  EXPECT_EQ(first.status().message(), "f.csv:3: column 'p1': 'x' is not a number");
}

TEST(CsvSource, UnreadableFilesNameThePath) {
  const std::string dir = testing::MakeTempDir("csv-unreadable");
  auto missing = OpenCsvFile(dir + "/missing.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            dir + "/missing.csv: cannot read: No such file or directory");
  auto directory = OpenCsvFile(dir);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(), dir + ": cannot read: Is a directory");
  std::ofstream(dir + "/empty.csv").flush();
  auto empty = OpenCsvFile(dir + "/empty.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), dir +
                                          "/empty.csv:1: empty file; the first line must be a "
                                          "header such as 'time,p1,p2,p3'");
}

TEST(CsvSource, OpenCsvFileReadsAFileLikeTheBuffer) {
  const std::string dir = testing::MakeTempDir("csv-file");
  const std::string text = "time,p1,p2,p3,u1\r\n0,1,2,3,231\r\n1,4,5,6,229\r\n";
  std::ofstream(dir + "/data.csv", std::ios::binary) << text;
  auto source = OpenCsvFile(dir + "/data.csv");
  ASSERT_TRUE(source.ok()) << source.status().message();
  std::vector<Interval> buffer(8);
  auto n = (*source)->Read(buffer);
  ASSERT_TRUE(n.ok());
  ASSERT_EQ(*n, 2U);
  const auto expected = MustParse(text);
  for (std::size_t i = 0; i < 2; ++i) ExpectSameRecord(buffer[i], expected[i], "row");
  EXPECT_EQ(*(*source)->Read(buffer), 0U);
  EXPECT_TRUE(ValidateCsvFile(dir + "/data.csv").ok());
}

// ---------------------------------------------------------------------------------------------
// Batches

std::string LargeFile(int rows) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> power(-9000, 9000), volts(200, 250);
  std::uniform_int_distribution<int> style(0, 5);
  std::string text = "# generated\ntime,p1,q1,u1,p2,q2,u2,p3,q3,u3,i1,f\n";
  char field[64];
  double t = 1767225600;
  for (int r = 0; r < rows; ++r) {
    std::snprintf(field, sizeof field, "%.3f", t);
    text += field;
    for (int c = 0; c < 11; ++c) {
      const double v = c == 10      ? 49.9 + 0.2 * (power(rng) + 9000) / 18000
                       : c % 3 == 2 ? volts(rng)
                                    : power(rng);
      switch (style(rng)) {  // the shapes a logger writes, fast path and fallback alike
        case 0:
          std::snprintf(field, sizeof field, ",%.0f", v);
          break;
        case 1:
          std::snprintf(field, sizeof field, ",%.1f", v);
          break;
        case 2:
          std::snprintf(field, sizeof field, ",%.17g", v);
          break;
        case 3:
          std::snprintf(field, sizeof field, ",%.4e", v);
          break;
        default:
          std::snprintf(field, sizeof field, ",%.2f", v);
          break;
      }
      text += field;
    }
    text += r % 7 == 0 ? "\r\n" : "\n";
    if (r % 1000 == 0) text += "# checkpoint\n";
    t += 0.25 + (r % 4) * 0.5;
  }
  return text;
}

TEST(CsvSource, ALargeFileParsesIdenticallyInEveryBatchSize) {
  const std::string text = LargeFile(30000);
  const auto reference = MustParse(text, 4096);
  ASSERT_EQ(reference.size(), 30000U);
  for (std::size_t batch : {1, 2, 3, 7, 64, 1000, 30000, 40000}) {
    const auto records = MustParse(text, batch);
    ASSERT_EQ(records.size(), reference.size()) << batch;
    EXPECT_EQ(std::memcmp(records.data(), reference.data(), records.size() * sizeof(Interval)), 0)
        << "batch " << batch;
  }
  EXPECT_TRUE(ValidateCsv(text, "large.csv").ok());
}

}  // namespace
}  // namespace pro380::source
