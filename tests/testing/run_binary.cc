#include "testing/run_binary.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace pro380::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Directories made by MakeTempDir, removed when the test process exits.
class TempDirs {
 public:
  ~TempDirs() {
    std::error_code ignored;
    for (const auto& dir : dirs_) std::filesystem::remove_all(dir, ignored);
  }
  void Add(const std::filesystem::path& dir) { dirs_.push_back(dir); }

 private:
  std::vector<std::filesystem::path> dirs_;
};

TempDirs& Made() {
  static TempDirs dirs;
  return dirs;
}

}  // namespace

std::string MakeTempDir(const std::string& name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::filesystem::path dir = std::filesystem::path(base ? base : ::testing::TempDir()) /
                              ("pro380-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Made().Add(dir);
  return dir.string();
}

namespace {

// Starts `$PRO380_BINARY args...` with stdin from /dev/null and stdout/stderr into the files;
// returns its PID, or -1 (and fails the test) when PRO380_BINARY is unset.
pid_t SpawnPro380(const std::vector<std::string>& args, const std::string& out_path,
                  const std::string& err_path) {
  const char* binary = std::getenv("PRO380_BINARY");
  if (binary == nullptr) {
    ADD_FAILURE() << "PRO380_BINARY is not set (run the tests through ctest)";
    return -1;
  }
  // A `run` that names no --http gets a free port, never the default 8380 (docs/testing.md).
  std::vector<std::string> all = args;
  if (!all.empty() && all[0] == "run" && std::find(all.begin(), all.end(), "--http") == all.end()) {
    all.insert(all.end(), {"--http", "127.0.0.1:0"});
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary));
    for (const std::string& a : all) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary, argv.data());
    ::_exit(127);
  }
  return pid;
}

// The exit status of a waited-for process, -1 when a signal ended it.
int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

RunResult RunPro380(const std::vector<std::string>& args) {
  RunResult result;
  const std::string dir = MakeTempDir("run");
  const std::string out_path = dir + "/stdout";
  const std::string err_path = dir + "/stderr";
  const pid_t pid = SpawnPro380(args, out_path, err_path);
  if (pid < 0) return result;
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  result.out = ReadAll(out_path);
  result.err = ReadAll(err_path);
  std::filesystem::remove_all(dir);
  return result;
}

BackgroundPro380::BackgroundPro380(const std::vector<std::string>& args) {
  static int count = 0;
  dir_ = MakeTempDir("background-" + std::to_string(++count));
  pid_ = SpawnPro380(args, dir_ + "/stdout", dir_ + "/stderr");
}

BackgroundPro380::~BackgroundPro380() {
  if (pid_ > 0) Stop(SIGKILL);
}

bool BackgroundPro380::WaitForOutput(const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (out().find(text) != std::string::npos) return true;
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {  // ended without printing it
      pid_ = -1;
      exit_code_ = ExitCode(status);
      return out().find(text) != std::string::npos;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int BackgroundPro380::Stop(int signal_number) {
  if (pid_ > 0) {
    ::kill(pid_, signal_number);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = ExitCode(status);
  }
  return exit_code_;
}

std::string BackgroundPro380::out() const { return ReadAll(dir_ + "/stdout"); }
std::string BackgroundPro380::err() const { return ReadAll(dir_ + "/stderr"); }

}  // namespace pro380::testing
