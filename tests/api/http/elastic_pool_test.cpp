#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/http/elastic_pool.hpp"

using namespace std::chrono;
using sy::elastic_pool;

namespace {

// Work that holds its thread until opened, counting how many hold one at once.
struct gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  int running = 0, most = 0, done = 0;

  std::function<void()> job() {
    return [this] {
      std::unique_lock<std::mutex> lock{m};
      most = std::max(most, ++running);
      cv.notify_all();
      cv.wait(lock, [this] { return open; });
      --running;
      ++done;
      cv.notify_all();
    };
  }
  template <class Pred>
  bool wait_for(Pred pred) {
    std::unique_lock<std::mutex> lock{m};
    return cv.wait_for(lock, seconds(10), pred);
  }
};

bool eventually(const std::function<bool()>& pred) {
  for (auto until = steady_clock::now() + seconds(10); steady_clock::now() < until;) {
    if (pred()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return pred();
}

}  // namespace

TEST_CASE("the pool starts no thread until work comes, runs at most max_threads at once, then runs the rest") {
  elastic_pool pool{4, seconds(30)};
  CHECK(pool.threads() == 0);
  gate g;
  for (int i = 0; i < 8; ++i) pool.enqueue(g.job());
  REQUIRE(g.wait_for([&] { return g.running == 4; }));
  CHECK(pool.threads() == 4);
  {
    std::lock_guard<std::mutex> lock{g.m};
    g.open = true;
  }
  g.cv.notify_all();
  REQUIRE(g.wait_for([&] { return g.done == 8; }));
  CHECK(g.most == 4);
}

TEST_CASE("threads without work leave after the idle time, and the pool grows again on demand") {
  elastic_pool pool{16, milliseconds(100)};
  gate g;
  for (int i = 0; i < 6; ++i) pool.enqueue(g.job());
  REQUIRE(g.wait_for([&] { return g.running == 6; }));
  {
    std::lock_guard<std::mutex> lock{g.m};
    g.open = true;
  }
  g.cv.notify_all();
  REQUIRE(g.wait_for([&] { return g.done == 6; }));
  CHECK(eventually([&] { return pool.threads() == 0; }));
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i) pool.enqueue([&ran] { ++ran; });
  CHECK(eventually([&] { return ran == 3; }));
  CHECK(pool.threads() >= 1);
}

TEST_CASE("shutdown finishes queued work and joins every thread; later work is refused") {
  std::atomic<int> ran{0};
  {
    elastic_pool pool{2, seconds(30)};
    for (int i = 0; i < 20; ++i)
      pool.enqueue([&ran] {
        std::this_thread::sleep_for(milliseconds(2));
        ++ran;
      });
    pool.shutdown();
    CHECK(ran == 20);
    pool.enqueue([&ran] { ++ran; });
    CHECK(pool.threads() == 0);
  }
  CHECK(ran == 20);
}
