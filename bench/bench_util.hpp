// Small helpers shared by the benchmarks: percentiles, process CPU and RSS.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "tests/support/process.hpp"

namespace sy::bench {

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto idx = size_t(p / 100.0 * double(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

/// A /proc/.../stat file: the process or thread name and its utime+stime in seconds
/// ({"", 0} if it cannot be read).
inline std::pair<std::string, double> read_stat(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return {"", 0};
  std::istringstream in(line.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return {line.substr(open + 1, close - open - 1), double(utime + stime) / double(sysconf(_SC_CLK_TCK))};
}

/// utime+stime of a process, in seconds.
inline double cpu_seconds(pid_t pid) { return read_stat("/proc/" + std::to_string(pid) + "/stat").second; }

/// Resident set size in MiB.
using test::rss_mib;

/// CPU seconds of each thread of a process, summed by thread name (GStreamer names its
/// task threads after their pad, e.g. "rtpjitterbuffer0:src", cut to 15 characters).
inline std::map<std::string, double> thread_cpu_seconds(pid_t pid) {
  std::map<std::string, double> out;
  for (auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    auto [name, secs] = read_stat(entry.path() / "stat");
    if (!name.empty()) out[name] += secs;
  }
  return out;
}

}  // namespace sy::bench
