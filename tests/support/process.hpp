// child_process: a real program under test (the daemon, ffmpeg, yardctl), with its
// stdout+stderr collected by a reader thread so tests can wait for a line.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sy::test {

class child_process {
 public:
  explicit child_process(std::vector<std::string> argv, std::string stdin_text = {});
  ~child_process();  // SIGKILL if still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  /// Waits until the output contains `needle`; returns the line holding it ("" on timeout).
  std::string wait_for(const std::string& needle, std::chrono::milliseconds timeout);
  void signal(int sig);
  /// Waits for exit; returns the exit code (128+signal when killed), -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  std::string output() const;

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool exited_ = false;
  int status_ = 0;
};

/// Runs to completion (with a timeout); returns {exit code, output}.
std::pair<int, std::string> run_process(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                        std::string stdin_text = {});

/// Resident set size of a process in MiB (0 if it is gone).
double rss_mib(pid_t pid);
/// How many file descriptors a process has open, and how many threads it runs (-1 if it is gone).
int open_fds(pid_t pid);
int threads_of(pid_t pid);

/// The path of a built program, from the environment variable meson sets for tests.
std::string program_path(const char* env_var);

}  // namespace sy::test
