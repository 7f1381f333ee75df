// The `csv:FILE` source: per-phase records from a CSV file, replayed as star records. The format
// (columns, units, which interval a row covers, comments, line endings, what is an error) is
// specified in docs/formats/csv.md; this header only restates the contract the code keeps.
//
// Thread safety: none; one reader.
#ifndef PRO380_SOURCE_CSV_SOURCE_H_
#define PRO380_SOURCE_CSV_SOURCE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "metering/interval.h"
#include "source/record_source.h"

namespace pro380::source {

// Parses CSV text held in memory, incrementally: each Read() parses only as many rows as it
// returns (plus one row of look-ahead, because a row's interval ends at the next row's time).
// Every problem is InvalidArgument "<name>:<line>: <problem>" and is sticky: once Read has
// failed it returns the same error again.
class CsvReader : public RecordSource {
 public:
  // Parses the header and the first data row. `text` must outlive the reader; `name` (the file
  // path) prefixes every message.
  static Result<std::unique_ptr<CsvReader>> Create(std::string_view text, std::string name);

  // Fills `out` with the next records, in file order; 0 = the file has ended.
  Result<std::size_t> Read(std::span<metering::Interval> out) override;

 private:
  // Value slots a column writes; columns the header omits keep their defaults.
  enum Slot : uint8_t {
    kP1,
    kP2,
    kP3,
    kQ1,
    kQ2,
    kQ3,
    kU1,
    kU2,
    kU3,
    kI1,
    kI2,
    kI3,
    kF,
    kSlotCount,
    kTimeSlot = kSlotCount
  };

  static constexpr int kMaxColumns = kSlotCount + 1;
  enum class RowOutcome { kRow, kEnd, kError };

  CsvReader(std::string_view text, std::string name);
  Status ParseHeader();
  // Parses the next data row into `record` (duration left unset) and `time_ns`.
  RowOutcome ParseRow(metering::Interval& record, int64_t& time_ns);
  bool SkipToData();  // false at end of text
  bool CheckPowerWithoutVoltage();
  RowOutcome LimitError(const metering::Interval& record);
  void BuildRecord(metering::Interval& record) const;
  RowOutcome FieldError(int column, const char* field);
  RowOutcome Fail(int64_t line, const std::string& problem);
  std::string ColumnName(int column) const;

  const char* pos_;
  const char* end_;
  const char* row_start_ = nullptr;  // first character of the row being parsed
  std::string name_;
  int64_t line_ = 1;      // line number of the text at pos_
  int64_t row_line_ = 0;  // line number of the row being parsed
  std::array<uint8_t, kMaxColumns> slot_of_column_{};
  int column_count_ = 0;
  std::array<bool, 3> current_given_{};
  bool voltage_given_ = false;
  bool frequency_given_ = false;
  bool reactive_given_ = false;
  std::array<double, kSlotCount> values_{};

  // Look-ahead: the last parsed row, whose interval ends when the next row's time is known.
  metering::Interval pending_{};
  bool has_pending_ = false;
  int64_t pending_time_ns_ = 0;
  int64_t pending_line_ = 0;
  int64_t first_time_ns_ = 0;  // the first data row's time: a file covers at most kMaxRunDuration
  int64_t last_step_ns_ = 0;   // the previous row's interval, given to the last row
  Status error_;
};

// Opens FILE for the `csv:FILE` spec: maps it and checks its header and first data row. Later
// rows are checked as they are read (a whole-file check first would halve the replay speed);
// a caller that must not act on a file that fails later reads it to the end first, as
// `pro380 simulate` does before it prints anything, or calls ValidateCsvFile.
Result<std::unique_ptr<RecordSource>> OpenCsvFile(const std::string& path);

// Checks all of `text` (named `name` in messages) as a CSV record file: the first problem, or Ok.
Status ValidateCsv(std::string_view text, const std::string& name);
Status ValidateCsvFile(const std::string& path);

}  // namespace pro380::source

#endif  // PRO380_SOURCE_CSV_SOURCE_H_
