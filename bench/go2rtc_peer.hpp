// The reference server for side-by-side benchmarks: go2rtc v1.9.9 from
// ../shared/peers (or $GO2RTC_BIN), on free loopback ports, with a temporary config
// of its own (it writes API changes into it). Bench only: no test needs it.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "tests/support/daemon.hpp"
#include "tests/support/loopback.hpp"
#include "tests/support/process.hpp"

namespace sy::bench {

/// A loopback TCP port that was free a moment ago.
inline int free_port() {
  int port = 0;
  int fd = sy::test::bind_loopback(SOCK_STREAM, 0, port);
  if (fd >= 0) close(fd);
  return port;
}

class go2rtc_peer {
 public:
  /// The binary: $GO2RTC_BIN, else the one in ../shared/peers; "" when neither exists.
  static std::string binary() {
    if (auto* env = std::getenv("GO2RTC_BIN")) return env;
    auto path = std::filesystem::path(SOURCE_ROOT) / ".." / "shared" / "peers" / "go2rtc-1.9.9";
    return std::filesystem::exists(path) ? path.lexically_normal().string() : std::string{};
  }

  /// `streams_yaml` is the config's `streams:` section.
  explicit go2rtc_peer(const std::string& streams_yaml) : dir_(test::make_temp_dir()) {
    api_port = free_port();
    rtsp_port = free_port();
    auto config = dir_ + "/go2rtc.yaml";
    std::ofstream(config) << "api: {listen: \"127.0.0.1:" << api_port << "\"}\n"
                          << "rtsp: {listen: \"127.0.0.1:" << rtsp_port << "\"}\n"
                          << "webrtc: {listen: \"\"}\nrtmp: {listen: \"\"}\nsrtp: {listen: \"\"}\n"
                          << "log: {level: warn}\n"
                          << streams_yaml;
    process = std::make_unique<test::child_process>(std::vector<std::string>{binary(), "-config", config});
    // With warn logging it prints nothing on success: wait until the API answers.
    for (int i = 0; i < 100 && !up(); ++i) usleep(50000);
  }
  ~go2rtc_peer() {
    process.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  bool up() const {
    httplib::Client c{"127.0.0.1", api_port};
    auto res = c.Get("/api");
    return res && res->status == 200;
  }
  std::string rtsp_url(const std::string& name) const {
    return "rtsp://127.0.0.1:" + std::to_string(rtsp_port) + "/" + name;
  }

  int api_port = 0;
  int rtsp_port = 0;
  std::unique_ptr<test::child_process> process;

 private:
  std::string dir_;
};

}  // namespace sy::bench
