// Where a test finds the checkout's files (golden transcripts, docs): $PRO380_SOURCE_DIR, which
// ctest sets, else the checkout this helper was compiled from.
#ifndef PRO380_TESTING_SOURCE_DIR_H_
#define PRO380_TESTING_SOURCE_DIR_H_

#include <filesystem>

namespace pro380::testing {

std::filesystem::path SourceDir();

}  // namespace pro380::testing

#endif  // PRO380_TESTING_SOURCE_DIR_H_
