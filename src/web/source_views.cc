#include "web/source_views.h"

namespace pro380::web {

nlohmann::json SourceJson(const SourceStatusView& view) {
  nlohmann::json counters = nlohmann::json::object();
  for (const auto& [name, value] : view.counters) counters[name] = value;
  return {{"spec", view.spec},
          {"state", view.state},
          {"stale", view.stale},
          {"age_s", view.age_s ? nlohmann::json(*view.age_s) : nlohmann::json(nullptr)},
          {"counters", counters}};
}

std::string SourceMetricsText(const MeterAccess& access) {
  std::vector<std::pair<std::string, SourceStatusView>> views;
  for (const WebMeter& m : access.meters) {
    if (m.source) views.emplace_back(m.serial, m.source->View());
  }
  if (views.empty()) return "";
  std::string text =
      "# HELP pro380_source_stale 1 while the meter's live source is not fresh (docs/sources.md)\n"
      "# TYPE pro380_source_stale gauge\n";
  for (const auto& [serial, view] : views) {
    text += "pro380_source_stale{serial=\"" + serial + "\"} " + (view.stale ? "1" : "0") + "\n";
  }
  text +=
      "# HELP pro380_source_readings the live source's readings by outcome (docs/sources.md)\n"
      "# TYPE pro380_source_readings counter\n";
  for (const auto& [serial, view] : views) {
    for (const auto& [name, value] : view.counters) {
      text += "pro380_source_readings{serial=\"" + serial + "\",counter=\"" + name + "\"} " +
              std::to_string(value) + "\n";
    }
  }
  return text;
}

}  // namespace pro380::web
