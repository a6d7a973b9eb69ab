// idle_parker: holds idle keep-alive HTTP connections without a thread each.
//
// After answering a request, a connection whose client sends nothing more for a
// moment is parked here: one epoll thread watches every parked socket, hands one
// that becomes readable back (`resume`, which queues it on the HTTP pool) and ends
// one that stayed idle past its deadline (`expire`). So 1,000 keep-alive API clients
// cost 1,000 sockets and no threads between their requests, and threads are left
// for requests and live viewers. The thread sleeps without a timeout while nothing
// is parked. Owned by connection_server.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace sy {

class idle_parker {
 public:
  using clock = std::chrono::steady_clock;
  /// `resume` and `expire` run on the parker's thread and must not block.
  idle_parker(std::function<void(int)> resume, std::function<void(int)> expire);
  ~idle_parker();
  idle_parker(const idle_parker&) = delete;
  idle_parker& operator=(const idle_parker&) = delete;

  /// Watches `sock` until it is readable or `deadline` passes; false once stopped
  /// (the caller then closes it).
  bool park(int sock, clock::time_point deadline);
  /// Expires every parked socket and ends the thread; park() fails from now on.
  void stop();
  /// Sockets parked now (for tests).
  size_t parked() const;

 private:
  void run();

  std::function<void(int)> resume_, expire_;
  int epoll_ = -1;
  int wake_ = -1;  // eventfd: stop, or the first socket parked into an empty set
  mutable std::mutex mutex_;
  std::unordered_map<int, clock::time_point> deadlines_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace sy
