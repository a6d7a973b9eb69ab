#include "actors/blocking_calls.hpp"

namespace sy {

blocking_calls::blocking_calls(caf::actor_system& sys, call_timeouts timeouts) : sys_(sys), timeouts_(timeouts) {}

blocking_calls::~blocking_calls() = default;

blocking_calls::caller blocking_calls::take() {
  {
    std::lock_guard<std::mutex> lock{mutex_};
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  return std::make_unique<caf::scoped_actor>(sys_, true);  // hidden: not counted as a running actor
}

void blocking_calls::give_back(caller c) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!closed_) idle_.push_back(std::move(c));
}  // a caller not kept is destroyed on return, after the lock is released

void blocking_calls::close() {
  std::vector<caller> drop;
  std::lock_guard<std::mutex> lock{mutex_};
  closed_ = true;
  drop.swap(idle_);
}

}  // namespace sy
