// A blocking call from an HTTP handler thread to the registry, through its own
// scoped_actor (a timed-out reply must not reach the next request).
#pragma once

#include <caf/all.hpp>

#include "api/api_context.hpp"

namespace sy {

template <class T, class... Ts>
caf::expected<T> call_registry(const api_context& ctx, Ts&&... xs) {
  if (!ctx.registry) return make_error(errc::shutting_down, "registry is gone");
  caf::scoped_actor self{*ctx.sys};
  caf::expected<T> out{caf::sec::request_timeout};
  self->request(ctx.registry, ctx.request_timeout, std::forward<Ts>(xs)...)
      .receive([&](T& value) { out = std::move(value); }, [&](caf::error& err) { out = std::move(err); });
  return out;
}

}  // namespace sy
