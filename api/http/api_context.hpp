// What HTTP route handlers share: the caller into the actors, the registry handle,
// the daemon facts that GET /api reports, the HLS session table (HLS has no
// connection to hang a viewer on) and the actor naming WebRTC sessions. Handlers hold
// no other state.
#pragma once

#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <string>

#include "actors/blocking_calls.hpp"
#include "actors/protocol.hpp"
#include "pipelines/webrtc/ice_config.hpp"

namespace sy {

class hls_sessions;

struct api_context {
  blocking_calls* calls = nullptr;  // with the timeouts of every request
  registry_actor registry;
  std::string config_path;          // absolute; empty when running on the embedded default
  std::string rtsp_listen;          // e.g. ":8554"
  std::string rtsp_default_query;
  std::string www_dir;              // the web page's files, served at /; empty: none
  ice_config ice;                   // WebRTC sessions' ports and announced candidates
  std::function<void(int)> request_exit;  // POST /api/exit
  std::shared_ptr<hls_sessions> hls;      // HLS viewers by session id (made by http_server)
  webrtc_sessions_actor webrtc;             // WebRTC viewers and publishers by id (spawned by http_server)
};

/// A registry request with the request timeout.
template <class T, class... Ts>
caf::expected<T> call_registry(const api_context& ctx, Ts&&... xs) {
  return ctx.calls->call<T>(ctx.registry, ctx.calls->timeouts().request, std::forward<Ts>(xs)...);
}

/// A change (put, delete, preload): the deadline it carries makes the registry refuse
/// it (errc::expired, nothing changed) if it is still queued when the request timeout
/// is up; once the registry has taken it, the caller also waits for the config write.
template <class... Ts>
caf::expected<change_ack> change_registry(const api_context& ctx, Ts&&... xs) {
  auto& t = ctx.calls->timeouts();
  return ctx.calls->call<change_ack>(ctx.registry, t.request + t.persist, std::forward<Ts>(xs)...,
                                     deadline::after(t.request));
}

}  // namespace sy
