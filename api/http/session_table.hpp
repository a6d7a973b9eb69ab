// session_table: viewers of the HTTP API that outlive a request (HLS sessions, WebRTC
// peers), by a random id. A reaper thread, asleep while the table is empty, checks
// every `period` and ends (destroys, outside the lock) those `expired` says are done.
// Holds viewers, never stream state (the registry owns the names).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sy {

template <class V>
class session_table {
 public:
  using clock = std::chrono::steady_clock;
  /// Whether a viewer is done, given when it was last found (or added).
  using expired_fn = std::function<bool(const V&, clock::time_point last, clock::time_point now)>;

  session_table(std::chrono::milliseconds period, expired_fn expired)
      : period_(period), expired_(std::move(expired)), reaper_([this] { reap(); }) {}
  ~session_table() {  // ends every viewer
    std::map<std::string, entry> ending;
    {
      std::lock_guard<std::mutex> lock{mutex_};
      stopping_ = true;
      ending.swap(entries_);
    }
    wake_.notify_all();
    reaper_.join();
  }
  session_table(const session_table&) = delete;
  session_table& operator=(const session_table&) = delete;

  /// Adds `v` under a new id and returns the id.
  std::string add(std::shared_ptr<V> v) {
    static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string id;
    {
      std::lock_guard<std::mutex> lock{mutex_};
      do {
        id.clear();
        for (int i = 0; i < 16; ++i) id += alphabet[random_() % 36];
      } while (entries_.count(id));
      entries_[id] = {std::move(v), clock::now()};
    }
    wake_.notify_all();
    return id;
  }
  /// The viewer `id`, its last use renewed; nullptr if there is none.
  std::shared_ptr<V> find(const std::string& id) {
    std::lock_guard<std::mutex> lock{mutex_};
    auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    it->second.last = clock::now();
    return it->second.v;
  }
  /// Ends viewer `id` (once nobody else holds it); false if there is none.
  bool erase(const std::string& id) {
    std::shared_ptr<V> ending;
    std::lock_guard<std::mutex> lock{mutex_};
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    ending = std::move(it->second.v);
    entries_.erase(it);
    return true;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock{mutex_};
    return entries_.size();
  }

 private:
  struct entry {
    std::shared_ptr<V> v;
    clock::time_point last;
  };

  void reap() {
    std::unique_lock<std::mutex> lock{mutex_};
    while (!stopping_) {
      if (entries_.empty())
        wake_.wait(lock);
      else
        wake_.wait_for(lock, period_);
      std::vector<std::shared_ptr<V>> ending;  // ended outside the lock
      auto now = clock::now();
      for (auto it = entries_.begin(); it != entries_.end();) {
        if (expired_(*it->second.v, it->second.last, now)) {
          ending.push_back(std::move(it->second.v));
          it = entries_.erase(it);
        } else {
          ++it;
        }
      }
      lock.unlock();
      ending.clear();
      lock.lock();
    }
  }

  const std::chrono::milliseconds period_;
  const expired_fn expired_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, entry> entries_;
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;
  std::thread reaper_;  // last: it starts at construction
};

}  // namespace sy
