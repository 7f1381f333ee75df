#include "testing/source_dir.h"

#include <cstdlib>

namespace pro380::testing {

std::filesystem::path SourceDir() {
  const char* env = std::getenv("PRO380_SOURCE_DIR");
  if (env != nullptr) return env;
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

}  // namespace pro380::testing
