// The idle parker without a server: socket pairs stand in for keep-alive connections.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "api/http/idle_parker.hpp"
#include "tests/support/actor_fixture.hpp"

using namespace std::chrono;
using sy::idle_parker;
using sy::test::eventually;

namespace {

struct outcomes {
  std::mutex m;
  std::multiset<int> resumed, expired;
  size_t count(std::multiset<int> outcomes::*which, int fd) {
    std::lock_guard<std::mutex> lock{m};
    return (this->*which).count(fd);
  }
};

}  // namespace

TEST_CASE("a parked connection is handed back once when its client sends, and ended when idle past its deadline") {
  outcomes seen;
  idle_parker parker{[&](int fd) { std::lock_guard<std::mutex> l{seen.m}; seen.resumed.insert(fd); },
                     [&](int fd) { std::lock_guard<std::mutex> l{seen.m}; seen.expired.insert(fd); }};
  int talking[2], quiet[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, talking) == 0);
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, quiet) == 0);
  REQUIRE(parker.park(talking[0], steady_clock::now() + seconds(30)));
  REQUIRE(parker.park(quiet[0], steady_clock::now() + milliseconds(500)));
  CHECK(parker.parked() == 2);
  REQUIRE(write(talking[1], "GET", 3) == 3);
  CHECK(eventually([&] { return seen.count(&outcomes::resumed, talking[0]) == 1; }, seconds(5)));
  CHECK(eventually([&] { return seen.count(&outcomes::expired, quiet[0]) == 1; }, seconds(5)));
  std::this_thread::sleep_for(milliseconds(200));
  CHECK(seen.count(&outcomes::resumed, talking[0]) == 1);  // once, though the data is still unread
  CHECK(seen.count(&outcomes::resumed, quiet[0]) == 0);
  CHECK(parker.parked() == 0);
  // Parked again with its request still unread, it is handed back at once.
  REQUIRE(parker.park(talking[0], steady_clock::now() + seconds(30)));
  CHECK(eventually([&] { return seen.count(&outcomes::resumed, talking[0]) == 2; }, seconds(5)));
  for (int fd : {talking[0], talking[1], quiet[0], quiet[1]}) close(fd);
}

TEST_CASE("stopping ends every parked connection, and nothing parks afterwards") {
  outcomes seen;
  idle_parker parker{[&](int fd) { std::lock_guard<std::mutex> l{seen.m}; seen.resumed.insert(fd); },
                     [&](int fd) { std::lock_guard<std::mutex> l{seen.m}; seen.expired.insert(fd); }};
  std::vector<int> fds;
  for (int i = 0; i < 100; ++i) {
    int pair[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    REQUIRE(parker.park(pair[0], steady_clock::now() + seconds(30)));
    fds.insert(fds.end(), {pair[0], pair[1]});
  }
  // Clients sending while the parker stops: each socket ends up handed back or
  // ended, never both, never lost.
  std::thread senders([&] {
    for (size_t i = 1; i < fds.size(); i += 4) (void)!write(fds[i], "x", 1);
  });
  parker.stop();
  senders.join();
  size_t handled = 0;
  for (size_t i = 0; i < fds.size(); i += 2) {
    auto r = seen.count(&outcomes::resumed, fds[i]), e = seen.count(&outcomes::expired, fds[i]);
    CHECK(r + e == 1);
    handled += r + e;
  }
  CHECK(handled == 100);
  int late[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, late) == 0);
  CHECK_FALSE(parker.park(late[0], steady_clock::now() + seconds(30)));
  for (int fd : fds) close(fd);
  close(late[0]);
  close(late[1]);
}
