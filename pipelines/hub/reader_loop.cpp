#include "pipelines/hub/reader_loop.hpp"

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

namespace sy {

reader_loop& reader_loop::pick() {
  static std::vector<std::unique_ptr<reader_loop>> loops = [] {
    std::vector<std::unique_ptr<reader_loop>> v;
    auto n = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    for (unsigned i = 0; i < n; ++i) v.push_back(std::make_unique<reader_loop>());
    return v;
  }();
  static std::atomic<unsigned> next{0};
  return *loops[next++ % loops.size()];
}

reader_loop::reader_loop()
    : epfd_(::epoll_create1(EPOLL_CLOEXEC)), wake_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // ids start at 1
  ::epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "rtsp-in");
    run();
  });
}

reader_loop::~reader_loop() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stop_ = true;
  }
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(epfd_);
  ::close(wake_fd_);
}

uint64_t reader_loop::add(member* m) {
  std::lock_guard<std::mutex> lock{mutex_};
  auto id = next_id_++;
  members_[id] = m;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = id;
  ::epoll_ctl(epfd_, EPOLL_CTL_ADD, m->socket(), &ev);
  return id;
}

void reader_loop::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock{mutex_};
  drop(id);
}

void reader_loop::drop(uint64_t id) {
  auto it = members_.find(id);
  if (it == members_.end()) return;
  ::epoll_ctl(epfd_, EPOLL_CTL_DEL, it->second->socket(), nullptr);
  members_.erase(it);
}

void reader_loop::run() {
  std::vector<char> buf(1 << 16);
  epoll_event events[64];
  gint64 last_tick = g_get_monotonic_time();
  while (true) {
    int n = ::epoll_wait(epfd_, events, 64, 1000);
    std::lock_guard<std::mutex> lock{mutex_};
    if (stop_) return;
    for (int i = 0; i < n; ++i) {
      auto id = events[i].data.u64;
      if (id == 0) {
        uint64_t count;
        (void)!::read(wake_fd_, &count, sizeof count);
        continue;
      }
      // An event fetched before its member left finds nothing here.
      auto it = members_.find(id);
      if (it != members_.end() && !it->second->on_readable(buf.data(), buf.size())) drop(id);
    }
    auto now = g_get_monotonic_time();
    if (now - last_tick < G_USEC_PER_SEC) continue;
    last_tick = now;
    std::vector<uint64_t> ended;
    for (auto& [id, m] : members_)
      if (!m->on_tick(now)) ended.push_back(id);
    for (auto id : ended) drop(id);
  }
}

}  // namespace sy
