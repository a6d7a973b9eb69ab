#include "api/http/elastic_pool.hpp"

#include <algorithm>

namespace sy {

elastic_pool::elastic_pool(size_t max_threads, std::chrono::milliseconds idle)
    : max_threads_(std::max<size_t>(1, max_threads)), idle_time_(idle) {}

elastic_pool::~elastic_pool() { shutdown(); }

size_t elastic_pool::threads() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return threads_.size() - left_.size();
}

void elastic_pool::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (stopping_) return;
  reap();
  jobs_.push_back(std::move(fn));
  if (idle_ >= jobs_.size() || threads_.size() - left_.size() >= max_threads_) {
    wake_.notify_one();
    return;
  }
  threads_.emplace_back([this] { work(); });
}

void elastic_pool::shutdown() {
  std::list<std::thread> all;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    stopping_ = true;
    wake_.notify_all();
    all.swap(threads_);
    left_.clear();
  }
  for (auto& t : all)
    if (t.joinable()) t.join();
}

void elastic_pool::reap() {
  for (auto id : left_) {
    auto it = std::find_if(threads_.begin(), threads_.end(), [id](const std::thread& t) { return t.get_id() == id; });
    if (it == threads_.end()) continue;
    it->join();  // it has released the mutex and is returning
    threads_.erase(it);
  }
  left_.clear();
}

void elastic_pool::work() {
  std::unique_lock<std::mutex> lock{mutex_};
  while (true) {
    ++idle_;
    bool woke = wake_.wait_for(lock, idle_time_, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) {
      if (stopping_) return;
      if (!woke) {  // idle for idle_time_: leave, to be joined by the next enqueue or shutdown
        left_.push_back(std::this_thread::get_id());
        return;
      }
      continue;
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace sy
