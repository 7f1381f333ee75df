// Runs the pro380 binary under test (env PRO380_BINARY, set by ctest) and captures its output.
#ifndef PRO380_TESTING_RUN_BINARY_H_
#define PRO380_TESTING_RUN_BINARY_H_

#include <string>
#include <vector>

namespace pro380::testing {

struct RunResult {
  int exit_code = -1;  // -1 if it did not exit normally
  std::string out;
  std::string err;
};

// Runs `$PRO380_BINARY args...` to completion (stdin empty) and returns its exit status, stdout
// and stderr. Fails the current test if PRO380_BINARY is unset.
RunResult RunPro380(const std::vector<std::string>& args);

// A fresh directory under the test's temporary directory, removed when the process exits.
std::string MakeTempDir(const std::string& name);

}  // namespace pro380::testing

#endif  // PRO380_TESTING_RUN_BINARY_H_
