#include "metering/ct_ratio.h"

namespace pro380::metering {

std::string CtRatioList() {
  std::string list;
  for (int r : kCtRatios) {
    if (!list.empty()) list += ", ";
    list += std::to_string(r);
  }
  return list;
}

}  // namespace pro380::metering
