#include "source/csv_source.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "metering/input_limits.h"
#include "source/csv_number.h"
#include "source/file_contents.h"

namespace pro380::source {
namespace {

// Header names (matched case-insensitively) in the slot order of CsvReader::Slot, time last.
constexpr std::array<std::string_view, 14> kColumnNames = {
    "p1", "p2", "p3", "q1", "q2", "q3", "u1", "u2", "u3", "i1", "i2", "i3", "f", "time"};
constexpr std::string_view kAllowedColumns =
    "time (s), p1, p2, p3 (W), q1, q2, q3 (var), u1, u2, u3 (V), i1, i2, i3 (A), f (Hz)";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
  });
}

bool IsLineEnd(const char* p, const char* end) { return p == end || *p == '\n' || *p == '\r'; }

// The text of the field starting at `p`, up to the next comma or line end.
std::string_view FieldText(const char* p, const char* end) {
  const char* e = p;
  while (e != end && *e != ',' && *e != '\n' && *e != '\r') ++e;
  return {p, static_cast<std::size_t>(e - p)};
}

constexpr int64_t kMaxRunNs = metering::kMaxRunDuration.count();

std::string FormatSeconds(int64_t ns) {
  std::string text = std::to_string(ns / 1'000'000'000);
  if (ns < 0 && ns > -1'000'000'000) text = "-0";
  int64_t fraction = ns % 1'000'000'000;
  if (fraction == 0) return text;
  if (fraction < 0) fraction = -fraction;
  std::string digits = std::to_string(fraction + 1'000'000'000).substr(1);
  digits.erase(digits.find_last_not_of('0') + 1);
  return text + "." + digits;
}

}  // namespace

CsvReader::CsvReader(std::string_view text, std::string name)
    : pos_(text.data()), end_(text.data() + text.size()), name_(std::move(name)) {
  values_.fill(0);
  values_[kU1] = values_[kU2] = values_[kU3] = metering::kNominalVoltage;
  values_[kF] = metering::kNominalFrequency;
}

Result<std::unique_ptr<CsvReader>> CsvReader::Create(std::string_view text, std::string name) {
  std::unique_ptr<CsvReader> reader(new CsvReader(text, std::move(name)));
  if (Status header = reader->ParseHeader(); !header.ok()) return header;
  switch (reader->ParseRow(reader->pending_, reader->pending_time_ns_)) {
    case RowOutcome::kRow:
      reader->has_pending_ = true;
      reader->pending_line_ = reader->row_line_;
      reader->first_time_ns_ = reader->pending_time_ns_;
      return reader;
    case RowOutcome::kEnd:
      reader->Fail(reader->line_, "no data rows after the header");
      [[fallthrough]];
    case RowOutcome::kError:
      break;
  }
  return reader->error_;
}

// Error paths are kept out of line so the row parser stays small (it is flattened below).
[[gnu::noinline, gnu::cold]] CsvReader::RowOutcome CsvReader::Fail(int64_t line,
                                                                   const std::string& problem) {
  if (error_.ok()) {
    error_ = Status::InvalidArgument(name_ + ":" + std::to_string(line) + ": " + problem);
  }
  return RowOutcome::kError;
}

std::string CsvReader::ColumnName(int column) const {
  return std::string(kColumnNames[slot_of_column_[column]]);
}

[[gnu::noinline]] bool CsvReader::SkipToData() {
  while (pos_ != end_) {
    const char c = *pos_;
    if (c == '#') {
      while (pos_ != end_ && *pos_ != '\n') ++pos_;
    } else if (c == '\r' && pos_ + 1 != end_ && pos_[1] == '\n') {
      ++pos_;
    } else if (c != '\n') {
      return true;
    }
    if (pos_ != end_) {  // at the '\n' ending a comment or blank line
      ++pos_;
      ++line_;
    }
  }
  return false;
}

Status CsvReader::ParseHeader() {
  static constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (std::string_view(pos_, static_cast<std::size_t>(end_ - pos_)).starts_with(kBom)) pos_ += 3;
  if (!SkipToData()) {
    Fail(line_, "empty file; the first line must be a header such as 'time,p1,p2,p3'");
    return error_;
  }
  std::array<bool, kMaxColumns> seen{};
  while (true) {
    const std::string_view name = FieldText(pos_, end_);
    const auto found = std::find_if(kColumnNames.begin(), kColumnNames.end(),
                                    [&](std::string_view n) { return EqualsIgnoreCase(name, n); });
    if (found == kColumnNames.end()) {
      Fail(line_,
           "unknown column '" + std::string(name) + "'; allowed: " + std::string(kAllowedColumns));
      return error_;
    }
    const auto slot = static_cast<uint8_t>(found - kColumnNames.begin());
    if (seen[slot]) {
      Fail(line_, "column '" + std::string(*found) + "' appears twice");
      return error_;
    }
    seen[slot] = true;
    slot_of_column_[column_count_++] = slot;
    pos_ += name.size();
    if (pos_ == end_ || *pos_ != ',') break;
    ++pos_;
  }
  for (uint8_t required : {uint8_t{kTimeSlot}, uint8_t{kP1}, uint8_t{kP2}, uint8_t{kP3}}) {
    if (!seen[required]) {
      Fail(line_, "missing column '" + std::string(kColumnNames[required]) +
                      "'; time, p1, p2 and p3 are required");
      return error_;
    }
  }
  for (int k = 0; k < 3; ++k) current_given_[k] = seen[kI1 + k];
  voltage_given_ = seen[kU1] || seen[kU2] || seen[kU3];
  frequency_given_ = seen[kF];
  reactive_given_ = seen[kQ1] || seen[kQ2] || seen[kQ3];
  if (pos_ != end_ && *pos_ == '\r') ++pos_;
  if (pos_ != end_) {
    if (*pos_ != '\n') {
      Fail(line_, "a carriage return inside the line");
      return error_;
    }
    ++pos_;
  }
  ++line_;
  return Status::Ok();
}

// Flattened: std::from_chars is inlined into the field loop, which is worth ~30 % of the parse
// time.
[[gnu::flatten]] CsvReader::RowOutcome CsvReader::ParseRow(metering::Interval& record,
                                                           int64_t& time_ns) {
  if (!error_.ok()) return RowOutcome::kError;
  if ((pos_ == end_ || *pos_ == '#' || *pos_ == '\n' || *pos_ == '\r') && !SkipToData()) {
    return RowOutcome::kEnd;
  }
  row_line_ = line_;
  row_start_ = pos_;
  const char* p = pos_;
  for (int c = 0; c < column_count_; ++c) {
    const char* field = p;
    const uint8_t slot = slot_of_column_[c];
    p = slot == kTimeSlot ? ParseCsvSeconds(p, end_, time_ns)
                          : ParseCsvNumber(p, end_, values_[slot]);
    if (p == nullptr) return FieldError(c, field);
    if (c + 1 < column_count_) {
      if (p == end_ || *p != ',') return FieldError(c, field);
      ++p;
    } else if (!IsLineEnd(p, end_)) {
      return FieldError(c, field);
    }
  }
  if (p != end_ && *p == '\r') ++p;
  if (p != end_) {
    if (*p != '\n') return Fail(row_line_, "a carriage return inside the line");
    ++p;
  }
  pos_ = p;
  ++line_;
  BuildRecord(record);
  // Every record the reader gives is within the input limits (metering/input_limits.h).
  if (!metering::RecordWithinLimits(record)) return LimitError(record);
  if (voltage_given_ && !CheckPowerWithoutVoltage()) return RowOutcome::kError;
  return RowOutcome::kRow;
}

[[gnu::noinline, gnu::cold]] CsvReader::RowOutcome CsvReader::FieldError(int column,
                                                                         const char* field) {
  const std::string_view text = FieldText(field, end_);
  const char* after = field + text.size();
  const std::string column_name = ColumnName(column);
  // A field that parsed up to its separator but the separator is wrong: count the fields.
  int fields = 1;
  for (const char* q = pos_; !IsLineEnd(q, end_); ++q) fields += *q == ',';
  if (fields != column_count_) {
    return Fail(row_line_, std::to_string(fields) + " fields, but the header names " +
                               std::to_string(column_count_) + " columns");
  }
  if (slot_of_column_[column] == kTimeSlot) {
    return Fail(row_line_, "time '" + std::string(text) +
                               "' is not a time in seconds (digits, at most 9 decimals, no "
                               "exponent)");
  }
  if (text.empty()) return Fail(row_line_, "column '" + column_name + "' is empty");
  double value = 0;
  const char* number_end = std::from_chars(field, after, value).ptr;
  if (number_end == after) {  // a number, but out of range, inf or nan
    return Fail(row_line_,
                "column '" + column_name + "': '" + std::string(text) + "' is not a finite number");
  }
  return Fail(row_line_,
              "column '" + column_name + "': '" + std::string(text) + "' is not a number");
}

[[gnu::noinline]] bool CsvReader::CheckPowerWithoutVoltage() {
  for (int k = 0; k < 3; ++k) {
    if (values_[kU1 + k] == 0 && (values_[kP1 + k] != 0 || values_[kQ1 + k] != 0)) {
      Fail(row_line_,
           "phase " + std::to_string(k + 1) + " has power but u" + std::to_string(k + 1) + " = 0");
      return false;
    }
  }
  return true;
}

namespace {

// The range a column's values must lie in; a stated current's sign is ignored, its range is
// symmetric.
const metering::InputRange& ColumnRange(int slot) {
  static constexpr std::array<const metering::InputRange*, 13> kRanges = {
      &metering::kActivePowerRange,   &metering::kActivePowerRange,
      &metering::kActivePowerRange,   &metering::kReactivePowerRange,
      &metering::kReactivePowerRange, &metering::kReactivePowerRange,
      &metering::kVoltageRange,       &metering::kVoltageRange,
      &metering::kVoltageRange,       &metering::kCurrentRange,
      &metering::kCurrentRange,       &metering::kCurrentRange,
      &metering::kFrequencyRange};
  return *kRanges[static_cast<std::size_t>(slot)];
}

}  // namespace

// Names the first column outside its range, else the derived value (current S/U, apparent
// power √(P²+Q²)) that is.
[[gnu::noinline, gnu::cold]] CsvReader::RowOutcome CsvReader::LimitError(
    const metering::Interval& record) {
  const char* field = row_start_;
  for (int c = 0; c < column_count_; ++c) {
    const std::string_view text = FieldText(field, end_);
    field += text.size() + 1;
    const uint8_t slot = slot_of_column_[c];
    if (slot == kTimeSlot || ColumnRange(slot).Contains(values_[slot])) continue;
    return Fail(row_line_, "column '" + ColumnName(c) + "': '" + std::string(text) +
                               "' is outside " + metering::RangeText(ColumnRange(slot)));
  }
  for (int k = 0; k < 3; ++k) {
    const metering::PhaseValues& phase = record.phase[k];
    const std::string n = std::to_string(k + 1);
    if (!metering::kCurrentRange.Contains(phase.current_a)) {
      return Fail(row_line_, "phase " + n +
                                 ": current S/U = " + metering::ValueText(phase.current_a) +
                                 " A (from p" + n + ", q" + n + ", u" + n + ") is outside " +
                                 metering::RangeText(metering::kCurrentRange));
    }
    if (!metering::kApparentPowerRange.Contains(phase.apparent_va)) {
      return Fail(row_line_, "phase " + n + ": apparent power " +
                                 metering::ValueText(phase.apparent_va) + " VA (from p" + n +
                                 ", q" + n + ") is outside " +
                                 metering::RangeText(metering::kApparentPowerRange));
    }
  }
  return Fail(row_line_, "a value is outside the input limits");  // not reached
}

// PhaseFromPower's contract (current = S/U signed like P, S = √(P²+Q²)) with √ instead of
// std::hypot, which costs ~3x as much and matters at 10 M rows/s; columns within their input
// limits are far from overflow, so the two agree to within rounding (and exactly when Q = 0), and
// a record built from columns outside them (where √ may overflow) is rejected anyway. A stated
// current keeps its magnitude and takes P's sign; S is then U·|I|, but never below √(P²+Q²) so the
// power factor stays within ±1.
void CsvReader::BuildRecord(metering::Interval& record) const {
  for (int k = 0; k < 3; ++k) {
    metering::PhaseValues& phase = record.phase[k];
    const double p = values_[kP1 + k];
    const double q = values_[kQ1 + k];
    const double u = values_[kU1 + k];
    phase.voltage_v = u;
    phase.active_w = p;
    phase.reactive_var = q;
    double s = reactive_given_ ? std::sqrt(p * p + q * q) : std::fabs(p);
    double magnitude = u > 0 ? s / u : 0.0;
    if (current_given_[k]) {
      magnitude = std::fabs(values_[kI1 + k]);
      s = std::max(s, u * magnitude);
    }
    phase.apparent_va = s;
    phase.current_a = p < 0 ? -magnitude : magnitude;
  }
  record.frequency_hz = values_[kF];
}

Result<std::size_t> CsvReader::Read(std::span<metering::Interval> out) {
  if (!error_.ok()) return error_;
  if (!has_pending_ || out.empty()) return std::size_t{0};
  // Invariant: out[n] holds the row whose interval is not known yet; the next row is parsed
  // straight into out[n + 1], or into pending_ when the batch is full.
  out[0] = pending_;
  int64_t time_ns = 0;
  std::size_t n = 0;
  while (true) {
    metering::Interval& next = n + 1 < out.size() ? out[n + 1] : pending_;
    const RowOutcome outcome = ParseRow(next, time_ns);
    if (outcome == RowOutcome::kError) return error_;
    if (outcome == RowOutcome::kEnd) {
      if (last_step_ns_ == 0) {
        Fail(pending_line_,
             "only one data row; a row lasts until the next row's time, so at "
             "least two rows are needed");
        return error_;
      }
      // pending_time_ns_ - first_time_ns_ <= kMaxRunNs (checked below), so this cannot overflow.
      if (pending_time_ns_ - first_time_ns_ + last_step_ns_ > kMaxRunNs) {
        // The end time itself (time + step) may not fit in int64 ns: it is not formatted.
        Fail(pending_line_, "the last row, at time " + FormatSeconds(pending_time_ns_) +
                                ", lasts as long as the row before it (" +
                                FormatSeconds(last_step_ns_) + " s), so it ends more than " +
                                std::string(metering::kMaxRunDurationText) +
                                " after the first row's time " + FormatSeconds(first_time_ns_));
        return error_;
      }
      out[n].duration = Duration(last_step_ns_);
      has_pending_ = false;
      return n + 1;
    }
    if (time_ns <= pending_time_ns_) {
      Fail(row_line_, "time " + FormatSeconds(time_ns) + " is not after the previous row's time " +
                          FormatSeconds(pending_time_ns_));
      return error_;
    }
    // A file covers at most kMaxRunDuration, so that no file at the input limits can overflow
    // the meter's registers (metering/input_limits.h). Times span ±9 223 372 035 s, so the
    // difference itself can exceed int64 ns.
    int64_t span_ns = 0;
    if (__builtin_sub_overflow(time_ns, first_time_ns_, &span_ns) || span_ns > kMaxRunNs) {
      Fail(row_line_, "time " + FormatSeconds(time_ns) + " is more than " +
                          std::string(metering::kMaxRunDurationText) +
                          " after the first row's time " + FormatSeconds(first_time_ns_));
      return error_;
    }
    last_step_ns_ = time_ns - pending_time_ns_;  // first <= pending < time: no overflow
    out[n].duration = Duration(last_step_ns_);
    pending_time_ns_ = time_ns;
    pending_line_ = row_line_;
    ++n;
    if (&next == &pending_) return n;
  }
}

Status ValidateCsv(std::string_view text, const std::string& name) {
  auto reader = CsvReader::Create(text, name);
  if (!reader.ok()) return reader.status();
  std::array<metering::Interval, 256> scratch;
  while (true) {
    auto n = (*reader)->Read(scratch);
    if (!n.ok()) return n.status();
    if (*n == 0) return Status::Ok();
  }
}

namespace {

// Owns the file's bytes for the reader that parses them.
class CsvFileSource : public RecordSource {
 public:
  CsvFileSource(std::unique_ptr<FileContents> contents, std::unique_ptr<CsvReader> reader)
      : contents_(std::move(contents)), reader_(std::move(reader)) {}
  Result<std::size_t> Read(std::span<metering::Interval> out) override {
    return reader_->Read(out);
  }

 private:
  std::unique_ptr<FileContents> contents_;
  std::unique_ptr<CsvReader> reader_;
};

}  // namespace

Status ValidateCsvFile(const std::string& path) {
  auto contents = FileContents::Open(path);
  if (!contents.ok()) return contents.status();
  return ValidateCsv((*contents)->text(), path);
}

Result<std::unique_ptr<RecordSource>> OpenCsvFile(const std::string& path) {
  auto contents = FileContents::Open(path);
  if (!contents.ok()) return contents.status();
  auto reader = CsvReader::Create((*contents)->text(), path);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<RecordSource>(
      std::make_unique<CsvFileSource>(std::move(*contents), std::move(*reader)));
}

}  // namespace pro380::source
