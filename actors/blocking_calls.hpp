// blocking_calls: the one way a thread that is not an actor (an HTTP handler, a
// RTSP connection thread, start-up, yardctl, a test) asks an actor something
// and waits for the answer.
//
// Each call borrows a blocking caller from a free list and returns it afterwards, so
// callers are made once and reused: constructing a scoped_actor per request takes
// CAF 0.17's logger spinlock exclusively twice, and with a hundred HTTP threads on two
// cores (worse under TSan) that spinning starved every request. A caller whose request
// timed out is dropped instead of returned, so a late reply reaches nobody.
// One per actor system, destroyed before it (the callers belong to it). CAF 0.17
// counts every caller as a running actor, even a hidden one: call close() before
// await_all_actors_done(). Thread-safe; its mutex guards the free list only.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/protocol.hpp"
#include "actors/settings.hpp"

namespace sy {

class blocking_calls {
 public:
  explicit blocking_calls(caf::actor_system& sys, call_timeouts timeouts = {});
  ~blocking_calls();
  blocking_calls(const blocking_calls&) = delete;
  blocking_calls& operator=(const blocking_calls&) = delete;

  caf::actor_system& system() const { return sys_; }
  /// Drops the idle callers and keeps none from now on (calls still work, each with a
  /// caller of its own), so that the actor system can see all its actors finish.
  void close();
  const call_timeouts& timeouts() const { return timeouts_; }

  /// Sends xs... to `dest` and waits up to `wait` for a T (or an error; CAF's
  /// request_timeout when no answer came; errc::shutting_down for an invalid handle).
  template <class T, class Handle, class... Ts>
  caf::expected<T> call(const Handle& dest, std::chrono::milliseconds wait, Ts&&... xs) {
    if (!dest) return make_error(errc::shutting_down, "the actor is gone");
    auto self = take();
    caf::expected<T> out{caf::sec::request_timeout};
    (*self)->request(dest, wait, std::forward<Ts>(xs)...)
        .receive([&](T& value) { out = std::move(value); }, [&](caf::error& err) { out = std::move(err); });
    if (out || out.error() != caf::sec::request_timeout) give_back(std::move(self));
    return out;
  }

 private:
  using caller = std::unique_ptr<caf::scoped_actor>;
  caller take();
  void give_back(caller c);

  caf::actor_system& sys_;
  call_timeouts timeouts_;
  std::mutex mutex_;
  std::vector<caller> idle_;
  bool closed_ = false;
};

}  // namespace sy
