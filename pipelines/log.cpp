#include "pipelines/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace sy {
namespace {
std::atomic<int> min_level{int(log_level::info)};

int rank(char level) {
  switch (level) {
    case 'D': return 0;
    case 'I': return 1;
    case 'W': return 2;
    default: return 3;
  }
}
const char* word(char level) {
  switch (level) {
    case 'D': return "DBG";
    case 'I': return "INF";
    case 'W': return "WRN";
    default: return "ERR";
  }
}
}  // namespace

void set_log_level(const std::string& level) {
  min_level = level == "debug" || level == "trace" ? 0 : level == "warn" ? 2 : level == "error" ? 3 : 1;
}

void log_line(char level, const std::string& module, const std::string& message) {
  if (rank(level) < min_level.load()) return;
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&t, &tm);
  char line[2048];
  int n = std::snprintf(line, sizeof line, "%02d:%02d:%02d.%03lld %s [%s] %s\n", tm.tm_hour, tm.tm_min,
                        tm.tm_sec, static_cast<long long>(ms), word(level), module.c_str(), message.c_str());
  if (n < 0) return;
  if (size_t(n) >= sizeof line) {
    n = sizeof line - 1;
    line[n - 1] = '\n';
  }
  std::fwrite(line, 1, size_t(n), stdout);
  std::fflush(stdout);
}

}  // namespace sy
