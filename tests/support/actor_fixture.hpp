// Helpers for actor-level tests: a real actor system with the protocol's types and
// its blocking caller, and a blocking request that returns caf::expected.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "actors/blocking_calls.hpp"
#include "actors/system_config.hpp"

namespace sy::test {

/// An actor system for one test; its caller is destroyed before it.
struct actor_env {
  system_config cfg;
  caf::actor_system sys{cfg};
  blocking_calls calls{sys};
};

template <class T, class Handle, class... Ts>
caf::expected<T> ask(blocking_calls& calls, const Handle& dest, Ts&&... xs) {
  return calls.call<T>(dest, std::chrono::seconds(30), std::forward<Ts>(xs)...);
}

/// Polls `pred` every 50 ms until it holds or `timeout` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

}  // namespace sy::test
