// The output of `pro380 read` whatever the bus (docs/client.md, "Output"): one entry per value,
// by its canonical quantity name or device value name, printed as the table or as the JSON
// object `{"meter": {...}, "quantities": {...}}`. The Modbus and the optical port readouts both
// become ReadingEntry lists; only this file prints them.
#ifndef PRO380_APP_READING_OUTPUT_H_
#define PRO380_APP_READING_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pro380::app {

struct ReadingEntry {
  std::string name;             // the canonical quantity name, or the device value's name
  std::string unit;             // empty: none
  bool quantity = false;        // under "quantities" (else under "meter")
  int decimals = -1;            // digits the table shows; -1: as short as exact
  bool integral = false;        // a count or code: an integer in JSON and the table
  std::optional<double> value;  // nullopt: not a valid encoding (null / "invalid")
  std::string text;             // non-empty for codes (serial "22091039"): shown as is
};

struct Reading {
  std::string title;             // the table's header line
  nlohmann::ordered_json meter;  // the "meter" object's first members (endpoint, id, …)
  std::vector<ReadingEntry> entries;
};

nlohmann::ordered_json ReadingJson(const Reading& reading);
// The header line, then a line per entry: the name padded to 36, the value right-aligned in 17,
// the unit.
void PrintReadingTable(const Reading& reading);

}  // namespace pro380::app

#endif  // PRO380_APP_READING_OUTPUT_H_
