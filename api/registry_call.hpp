// A blocking call from an HTTP handler thread to the registry, through the thread's
// own blocking actor (replaced after a timeout, so a late reply reaches nobody).
#pragma once

#include <caf/all.hpp>

#include "api/api_context.hpp"

namespace sy {

/// The calling thread's own blocking actor, made on its first call and reused. Making
/// a scoped_actor per request takes CAF 0.17's logger spinlock exclusively twice; with
/// a hundred HTTP threads on two cores (worse under TSan) that spinning starved every
/// request.
caf::scoped_actor& thread_caller(caf::actor_system& sys);
/// Drops it after a request timed out, so the late reply goes nowhere instead of
/// waiting in the mailbox of the next request.
void retire_thread_caller();

template <class T, class... Ts>
caf::expected<T> call_registry_for(const api_context& ctx, std::chrono::milliseconds wait, Ts&&... xs) {
  if (!ctx.registry) return make_error(errc::shutting_down, "registry is gone");
  auto& self = thread_caller(*ctx.sys);
  caf::expected<T> out{caf::sec::request_timeout};
  self->request(ctx.registry, wait, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); }, [&](caf::error& err) { out = std::move(err); });
  if (!out && out.error() == caf::sec::request_timeout) retire_thread_caller();
  return out;
}

template <class T, class... Ts>
caf::expected<T> call_registry(const api_context& ctx, Ts&&... xs) {
  return call_registry_for<T>(ctx, ctx.request_timeout, std::forward<Ts>(xs)...);
}

// A change (put, delete, preload): the deadline it carries makes the registry refuse
// it (errc::expired, nothing changed) if it is still queued when request_timeout is
// up; once the registry has taken it, the caller also waits for the config write.
template <class... Ts>
caf::expected<change_ack> change_registry(const api_context& ctx, Ts&&... xs) {
  return call_registry_for<change_ack>(ctx, ctx.request_timeout + ctx.persist_timeout, std::forward<Ts>(xs)...,
                                       deadline::after(ctx.request_timeout));
}

}  // namespace sy
