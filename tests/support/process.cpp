#include "tests/support/process.hpp"

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sy::test {

child_process::child_process(std::vector<std::string> argv, std::string stdin_text) {
  // posix_spawn, not fork: tests start processes from several threads at once, and a
  // forked child of this (sanitized, multi-threaded) process that allocates before exec
  // can deadlock on a lock another thread held at fork time. Such a child never execs,
  // and it keeps open every pipe it inherited, so other processes' readers never see
  // end of file either. posix_spawn runs nothing of ours in the child.
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out[2], in[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so the destructor kills what it started
  // The test runner blocks signals for its own reasons; the child must not inherit that.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  int rc = posix_spawnp(&pid_, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    for (int fd : {out[0], out[1], in[0], in[1]}) close(fd);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  close(out[1]);
  close(in[0]);
  if (!stdin_text.empty()) {
    auto n = write(in[1], stdin_text.data(), stdin_text.size());
    (void)n;
  }
  close(in[1]);
  out_fd_ = out[0];
  reader_ = std::thread([this] {
    char buf[4096];
    for (;;) {
      auto n = read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock{mutex_};
      output_.append(buf, size_t(n));
      changed_.notify_all();
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    std::lock_guard<std::mutex> lock{mutex_};
    exited_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    changed_.notify_all();
  });
}

child_process::~child_process() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (!exited_) ::kill(-pid_, SIGKILL);
  }
  if (reader_.joinable()) reader_.join();
  close(out_fd_);
}

std::string child_process::wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  std::string line;
  changed_.wait_for(lock, timeout, [&] {
    auto pos = output_.find(needle);
    if (pos == std::string::npos) return exited_;
    auto start = output_.rfind('\n', pos);
    auto end = output_.find('\n', pos);
    if (end == std::string::npos) return false;  // the line is not complete yet
    start = start == std::string::npos ? 0 : start + 1;
    line = output_.substr(start, end - start);
    return true;
  });
  return line;
}

void child_process::signal(int sig) { ::kill(pid_, sig); }

int child_process::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  if (!changed_.wait_for(lock, timeout, [&] { return exited_; })) return -1;
  return status_;
}

std::string child_process::output() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return output_;
}

std::pair<int, std::string> run_process(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                                        std::string stdin_text) {
  child_process p{std::move(argv), std::move(stdin_text)};
  auto code = p.wait(timeout);
  return {code, p.output()};
}

std::string program_path(const char* env_var) {
  auto* v = std::getenv(env_var);
  if (!v) throw std::runtime_error(std::string{"environment variable not set: "} + env_var);
  return v;
}

double rss_mib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

namespace {
int count_entries(const std::string& dir) {
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it{dir, ec}, end; !ec && it != end; it.increment(ec)) ++n;
  return ec ? -1 : n;
}
}  // namespace

int open_fds(pid_t pid) { return count_entries("/proc/" + std::to_string(pid) + "/fd"); }
int threads_of(pid_t pid) { return count_entries("/proc/" + std::to_string(pid) + "/task"); }

}  // namespace sy::test
