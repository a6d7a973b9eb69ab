// webrtc_sessions actor: this HTTP API's WebRTC sessions by id, the name a WHEP or
// WHIP Location carries (/api/webrtc?id=...), so that DELETE and trickled candidates
// find their session.
//
// Spawned by the HTTP server; it monitors each session it names and forgets it when
// it ends. Dies on an exit message (the HTTP server stops), passing it to every
// session it holds. Never: block, or hold anything of a session but its handle.
#pragma once

#include <caf/all.hpp>

#include "actors/protocol.hpp"

namespace sy {

webrtc_sessions_actor spawn_webrtc_sessions(caf::actor_system& sys);

}  // namespace sy
