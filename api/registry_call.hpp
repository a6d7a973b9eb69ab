// A blocking call from an HTTP handler thread to the registry, through its own
// scoped_actor (a timed-out reply must not reach the next request).
#pragma once

#include <caf/all.hpp>

#include "api/api_context.hpp"

namespace sy {

template <class T, class... Ts>
caf::expected<T> call_registry_for(const api_context& ctx, std::chrono::milliseconds wait, Ts&&... xs) {
  if (!ctx.registry) return make_error(errc::shutting_down, "registry is gone");
  caf::scoped_actor self{*ctx.sys};
  caf::expected<T> out{caf::sec::request_timeout};
  self->request(ctx.registry, wait, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); }, [&](caf::error& err) { out = std::move(err); });
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
