#include "metering/quantity.h"

namespace pro380::metering {

std::optional<QuantityId> QuantityFromName(std::string_view name) {
  for (const Quantity& q : kQuantities) {
    if (q.name == name) return q.id;
  }
  return std::nullopt;
}

}  // namespace pro380::metering
