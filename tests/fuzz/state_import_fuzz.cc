// Fuzz target: the reader of `pro380 state import` files (app/state_json.h) on arbitrary JSON.
// Invariants: a refused document is InvalidArgument; an accepted one has valid states
// (ValidateMeterState) under unique 8-digit keys, builds meters, and exports to a document that
// reads back to the same states (the round trip `import` relies on).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "app/state_json.h"
#include "fuzz_check.h"
#include "metering/meter.h"

using pro380::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto doc = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return 0;
  auto parsed = pro380::app::StateFromJson(doc);
  if (!parsed.ok()) {
    Check(parsed.status().code() == pro380::Status::Code::kInvalidArgument,
          "errors are InvalidArgument");
    return 0;
  }
  std::set<std::string> keys;
  for (const pro380::storage::MeterRecord& m : parsed->meters) {
    Check(m.key.size() == 8, "keys are 8-digit serials");
    Check(keys.insert(m.key).second, "keys are unique");
    Check(pro380::metering::ValidateMeterState(m.state).ok(), "states are valid");
    pro380::metering::Meter meter(m.state);
  }
  const auto exported = nlohmann::json::parse(pro380::app::StateToJson(parsed->meters, {}).dump());
  auto again = pro380::app::StateFromJson(exported);
  Check(again.ok(), "an export reads back");
  Check(again->meters.size() == parsed->meters.size(), "every meter reads back");
  for (std::size_t i = 0; i < again->meters.size(); ++i) {
    Check(again->meters[i].state == parsed->meters[i].state, "states read back exactly");
  }
  return 0;
}
