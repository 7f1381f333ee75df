#include "app/reading_output.h"

#include <cstdio>

namespace pro380::app {
namespace {

nlohmann::ordered_json ValueJson(const ReadingEntry& e) {
  if (!e.text.empty()) return e.text;
  if (!e.value) return nullptr;
  if (e.integral) return static_cast<int64_t>(*e.value);
  return *e.value;
}

std::string ValueText(const ReadingEntry& e) {
  if (!e.text.empty()) return e.text;
  if (!e.value) return "invalid";
  char text[64];
  if (e.integral) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(*e.value));
  } else if (e.decimals >= 0) {
    std::snprintf(text, sizeof text, "%.*f", e.decimals, *e.value);
  } else {
    std::snprintf(text, sizeof text, "%g", *e.value);
  }
  return text;
}

}  // namespace

nlohmann::ordered_json ReadingJson(const Reading& reading) {
  nlohmann::ordered_json meter =
      reading.meter.is_object() ? reading.meter : nlohmann::ordered_json::object();
  nlohmann::ordered_json quantities = nlohmann::ordered_json::object();
  for (const ReadingEntry& e : reading.entries)
    (e.quantity ? quantities : meter)[e.name] = ValueJson(e);
  return {{"meter", meter}, {"quantities", quantities}};
}

void PrintReadingTable(const Reading& reading) {
  std::printf("%s\n", reading.title.c_str());
  for (const ReadingEntry& e : reading.entries) {
    std::string line = e.name;
    line.resize(std::max<std::size_t>(line.size(), 36), ' ');
    const std::string value = ValueText(e);
    line += std::string(value.size() < 17 ? 17 - value.size() : 1, ' ') + value;
    if (!e.unit.empty()) line += " " + e.unit;
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace pro380::app
