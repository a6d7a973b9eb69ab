// Helpers for actor-level tests: a real actor system with the protocol's types,
// and a blocking request that returns caf::expected.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <thread>

#include "actors/actor_system_config.hpp"

namespace sy::test {

template <class T, class Handle, class... Ts>
caf::expected<T> ask(caf::actor_system& sys, const Handle& dest, Ts&&... xs) {
  caf::scoped_actor self{sys};
  caf::expected<T> out{caf::sec::request_timeout};
  self->request(dest, std::chrono::seconds(30), std::forward<Ts>(xs)...)
      .receive([&](T& v) { out = std::move(v); }, [&](caf::error& e) { out = std::move(e); });
  return out;
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
