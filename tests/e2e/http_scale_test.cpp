// The HTTP front at scale with its default settings: 1,000 keep-alive API clients
// that stay connected and 200 live stream.mp4 viewers at once. An idle keep-alive
// connection holds no thread (it is parked), so neither group starves the other.
#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/daemon.hpp"

using namespace sy::test;

namespace {

int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  timeval tv{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, const std::string& text) { return write(fd, text.data(), text.size()) == ssize_t(text.size()); }

// One whole response with a Content-Length body; its status code, 0 on failure.
int read_response(int fd) {
  std::string in;
  char buf[4096];
  size_t need = std::string::npos;
  while (need == std::string::npos || in.size() < need) {
    auto n = read(fd, buf, sizeof buf);
    if (n <= 0) return 0;
    in.append(buf, size_t(n));
    auto head_end = in.find("\r\n\r\n");
    if (need == std::string::npos && head_end != std::string::npos) {
      auto cl = in.find("Content-Length: ");
      if (cl == std::string::npos || cl > head_end) return 0;
      need = head_end + 4 + std::stoul(in.substr(cl + 16));
    }
  }
  return in.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(in.substr(9, 3)) : 0;
}

// Bytes readable from a viewer's socket within `ms` (what the daemon sent it).
// Whether `fd` delivers more than `bytes` within `ms` (reading everything that came).
// A 5 fps stream of 160x120 sends a few hundred bytes a frame after its keyframe, so
// what is buffered at one moment says nothing; what arrives within the wait does.
bool delivers(int fd, size_t bytes, int ms) {
  size_t total = 0;
  char buf[65536];
  pollfd p{fd, POLLIN, 0};
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (total <= bytes) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || poll(&p, 1, int(left.count())) <= 0) break;
    auto n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    total += size_t(n);
  }
  while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
  return total > bytes;
}

}  // namespace

TEST_CASE("1,000 keep-alive API clients and 200 live viewers are all served with the default settings") {
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  REQUIRE_MESSAGE(files.rlim_cur >= 2000, "the test needs 2,000 file descriptors");
  daemon_process d{"streams:\n  pattern: \"test:?size=160x120&fps=5\"\n"};
  REQUIRE(d.api_port > 0);
  const std::string get_stream = "GET /api/streams?src=pattern HTTP/1.1\r\nHost: x\r\n\r\n";

  std::vector<int> viewers;
  for (int i = 0; i < 200; ++i) {
    int fd = connect_to(d.api_port);
    REQUIRE(fd >= 0);
    REQUIRE(send_all(fd, "GET /api/stream.mp4?src=pattern HTTP/1.1\r\nHost: x\r\n\r\n"));
    viewers.push_back(fd);
  }
  std::vector<int> clients;
  int answered = 0;
  for (int i = 0; i < 1000; ++i) {
    int fd = connect_to(d.api_port);
    REQUIRE(fd >= 0);
    clients.push_back(fd);
    answered += send_all(fd, get_stream) && read_response(fd) == 200 ? 1 : 0;
  }
  CHECK(answered == 1000);
  // Every viewer is getting its stream, however many API clients are connected.
  int watching = 0;
  for (int fd : viewers) watching += delivers(fd, 1000, 5000) ? 1 : 0;
  CHECK(watching == 200);
  // The idle API clients hold sockets, not threads.
  auto threads = threads_of(d.process->pid());
  MESSAGE("daemon threads with 1,000 idle keep-alive clients and 200 viewers: " << threads);
  CHECK(threads < 200 + 300);
  // Each kept-alive connection is still served: a second request on every one.
  answered = 0;
  for (int fd : clients) answered += send_all(fd, get_stream) && read_response(fd) == 200 ? 1 : 0;
  CHECK(answered == 1000);
  watching = 0;
  for (int fd : viewers) watching += delivers(fd, 1000, 5000) ? 1 : 0;
  CHECK(watching == 200);
  for (int fd : clients) close(fd);
  for (int fd : viewers) close(fd);
  CHECK(consumers_gone(d, "pattern"));
  CHECK(d.stop() == 0);
}
