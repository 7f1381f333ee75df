// Runs the pro380 binary under test (env PRO380_BINARY, set by ctest) and captures its output.
#ifndef PRO380_TESTING_RUN_BINARY_H_
#define PRO380_TESTING_RUN_BINARY_H_

#include <chrono>
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

// A pro380 process started in the background (stdin empty, output into files), for tests that
// act on a running meter. The destructor kills it (SIGKILL) if it still runs.
class BackgroundPro380 {
 public:
  explicit BackgroundPro380(const std::vector<std::string>& args);
  ~BackgroundPro380();
  BackgroundPro380(const BackgroundPro380&) = delete;
  BackgroundPro380& operator=(const BackgroundPro380&) = delete;

  // Polls stdout until it contains `text`; false on timeout or when the process ended first.
  bool WaitForOutput(const std::string& text, std::chrono::milliseconds timeout);
  // Sends the signal (unless the process has ended) and waits; returns the exit status, -1 when
  // a signal ended it.
  int Stop(int signal_number);
  std::string out() const;
  std::string err() const;
  int pid() const { return pid_; }

 private:
  std::string dir_;
  int pid_ = -1;
  int exit_code_ = -1;
};

// A fresh directory under the test's temporary directory, removed when the process exits.
std::string MakeTempDir(const std::string& name);

}  // namespace pro380::testing

#endif  // PRO380_TESTING_RUN_BINARY_H_
