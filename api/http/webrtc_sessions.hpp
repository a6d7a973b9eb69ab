// webrtc_sessions: how the HTTP API opens and reaches WebRTC sessions. A viewer
// (POST /api/webrtc?src=, the /api/ws offers) or a publisher (WHIP, POST
// /api/webrtc?dst=) is answered here, on the request's thread; the answered peer then
// belongs to a session actor of its own (actors/webrtc_session_actor.hpp), named by
// the API's webrtc_sessions actor (ctx.webrtc). A session ends when its peer leaves,
// on DELETE of its Location, or when the API stops; a publisher's stream then hears it
// left.
#pragma once

#include <caf/all.hpp>

#include <string>

#include "api/http/api_context.hpp"

namespace sy {

/// Attaches a viewer to stream `src` and answers `offer`: the session's id and
/// `answer`, or "" with `status` and `error` (the message to send).
std::string open_webrtc_viewer(const api_context& ctx, const std::string& src, const std::string& offer,
                               std::string& answer, int& status, std::string& error);
/// A publisher feeding stream `dst` (made for it if there is none): its id and
/// `answer`, or "" with `status` and `error`.
std::string open_webrtc_publisher(const api_context& ctx, const std::string& dst, const std::string& offer,
                                  std::string& answer, int& status, std::string& error);
/// Ends session `id`: false if there is none.
caf::expected<bool> close_webrtc_session(const api_context& ctx, const std::string& id);
/// Hands session `id` a candidate its peer trickled: false if there is no such session.
caf::expected<bool> add_webrtc_candidate(const api_context& ctx, const std::string& id, const std::string& candidate);

}  // namespace sy
