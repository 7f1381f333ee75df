#include "metering/types.h"

namespace pro380::metering {

std::string_view SettingOutcomeName(SettingOutcome outcome) {
  switch (outcome) {
    case SettingOutcome::kApplied:
      return "applied";
    case SettingOutcome::kInvalidValue:
      return "invalid value";
    case SettingOutcome::kLocked:
      return "locked";
  }
  return "unknown";
}

}  // namespace pro380::metering
