#include "api/http/idle_parker.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace sy {

idle_parker::idle_parker(std::function<void(int)> resume, std::function<void(int)> expire)
    : resume_(std::move(resume)), expire_(std::move(expire)) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  thread_ = std::thread([this] { run(); });
}

idle_parker::~idle_parker() {
  stop();
  close(wake_);
  close(epoll_);
}

bool idle_parker::park(int sock, clock::time_point deadline) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (stopped_) return false;
  bool was_empty = deadlines_.empty();
  deadlines_[sock] = deadline;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.fd = sock;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, sock, &ev) != 0) {
    deadlines_.erase(sock);
    return false;
  }
  if (was_empty) {  // the thread may sleep without a timeout: deadlines need it awake
    uint64_t one = 1;
    (void)!write(wake_, &one, sizeof one);
  }
  return true;
}

void idle_parker::stop() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (stopped_) return;
    stopped_ = true;
  }
  uint64_t one = 1;
  (void)!write(wake_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

size_t idle_parker::parked() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return deadlines_.size();
}

void idle_parker::run() {
  std::vector<epoll_event> events(256);
  for (;;) {
    int timeout_ms;
    {
      std::lock_guard<std::mutex> lock{mutex_};
      timeout_ms = deadlines_.empty() ? -1 : 1000;  // deadlines are checked once a second
    }
    int n = epoll_wait(epoll_, events.data(), int(events.size()), timeout_ms);
    if (n < 0 && errno != EINTR) break;
    std::vector<int> ready, expired;
    bool stopping;
    {
      std::lock_guard<std::mutex> lock{mutex_};
      for (int i = 0; i < n; ++i) {
        int fd = events[size_t(i)].data.fd;
        if (fd == wake_) {
          uint64_t count;
          (void)!read(wake_, &count, sizeof count);
          continue;
        }
        if (deadlines_.erase(fd)) ready.push_back(fd);
      }
      stopping = stopped_;
      auto now = clock::now();
      for (auto it = deadlines_.begin(); it != deadlines_.end();) {
        if (stopping || it->second <= now) {
          expired.push_back(it->first);
          it = deadlines_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (int fd : ready) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
      if (stopping) expired.push_back(fd);
      else resume_(fd);
    }
    for (int fd : expired) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
      expire_(fd);
    }
    if (stopping) break;
  }
}

}  // namespace sy
