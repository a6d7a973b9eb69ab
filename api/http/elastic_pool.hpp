// elastic_pool: the HTTP server's task queue. Like httplib's ThreadPool, every
// keep-alive connection (and, later, every live HTTP viewer) holds one thread while it
// is open; unlike it, threads start when work comes (up to `max_threads`) and leave
// after `idle` without work, so an idle daemon keeps a handful of threads instead of
// the whole pool (each costs its stack's touched pages and a kernel task).
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace sy {

class elastic_pool final : public httplib::TaskQueue {
 public:
  elastic_pool(size_t max_threads, std::chrono::milliseconds idle);
  ~elastic_pool() override;

  /// Runs `fn` on an idle thread, a new one, or (all `max_threads` busy) when one frees.
  void enqueue(std::function<void()> fn) override;
  /// Lets queued work finish, then joins every thread.
  void shutdown() override;

  /// Threads alive now (for tests).
  size_t threads() const;

 private:
  void work();
  void reap();  // joins threads that left; call with mutex_ held

  const size_t max_threads_;
  const std::chrono::milliseconds idle_time_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> threads_;
  std::vector<std::thread::id> left_;  // threads that are leaving, to join
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace sy
